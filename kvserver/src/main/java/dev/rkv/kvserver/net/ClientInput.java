package dev.rkv.kvserver.net;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandDispatcher;
import dev.rkv.kvserver.protocol.ProtocolLimits;
import dev.rkv.kvserver.protocol.RespParser;

import java.nio.ByteBuffer;

/**
 * The transport-independent half of a connection: turns received bytes into commands and
 * runs them, enforcing the query buffer limit and answering protocol errors the way Redis
 * does (reply, then close). Every connection type feeds its bytes through one of these.
 */
public final class ClientInput {
    /** What the transport should do after a batch of input. */
    public enum Outcome { CONTINUE, CLOSE_AFTER_REPLY, CLOSE_NOW }

    private final RespParser parser;
    private final CommandDispatcher dispatcher;
    private final long queryBufferLimit;
    private Client client;
    private boolean closing;

    public ClientInput(ProtocolLimits limits, long queryBufferLimit, CommandDispatcher dispatcher) {
        this.parser = new RespParser(limits);
        this.dispatcher = dispatcher;
        this.queryBufferLimit = queryBufferLimit;
    }

    public void attach(Client c) {
        this.client = c;
        parser.authenticated(c.authenticated());
    }

    public Client client() {
        return client;
    }

    /** Bytes of the command being parsed. */
    public long pendingBytes() {
        return parser.pendingBytes();
    }

    /** Marks the connection as closing (QUIT, CLIENT KILL): no further input is processed. */
    public void stop() {
        closing = true;
    }

    public boolean stopped() {
        return closing;
    }

    /** Parses and runs every whole command in {@code in} (read mode), consuming what it parses. */
    public Outcome process(ByteBuffer in) {
        while (!closing) {
            RespParser.Status st = parser.parse(in);
            switch (st) {
                case COMMAND -> {
                    dispatcher.dispatch(client, parser.command());
                    parser.authenticated(client.authenticated());
                }
                case NEED_MORE -> {
                    if (parser.pendingBytes() > queryBufferLimit) {
                        closing = true;
                        return Outcome.CLOSE_NOW;
                    }
                    return Outcome.CONTINUE;
                }
                case ERROR -> {
                    client.out().error("ERR " + parser.error());
                    closing = true;
                    return Outcome.CLOSE_AFTER_REPLY;
                }
                default -> throw new IllegalStateException("unknown parser status " + st);
            }
        }
        return Outcome.CLOSE_AFTER_REPLY;
    }
}
