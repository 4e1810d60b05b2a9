package dev.rkv.kvserver.net;

import dev.rkv.kvserver.command.Client;
import dev.rkv.kvserver.command.CommandDispatcher;
import dev.rkv.kvserver.protocol.ProtocolLimits;
import dev.rkv.kvserver.protocol.RespParser;

import java.nio.ByteBuffer;
import java.util.List;

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

    /**
     * The first half of {@link #process} for an IO thread: parses every whole command in
     * {@code in} into {@code out} without running any, consuming all of {@code in}. Touches
     * nothing but this input's parser; {@link #dispatchParsed} runs the commands on the loop.
     * Parsing runs ahead of execution here, so only an authenticated client's input should come
     * this way (the parser's limits before AUTH depend on the commands run before).
     */
    public Outcome parse(ByteBuffer in, List<byte[][]> out) {
        while (true) {
            RespParser.Status st = parser.parse(in);
            switch (st) {
                case COMMAND -> out.add(parser.command());
                case NEED_MORE -> {
                    return parser.pendingBytes() > queryBufferLimit ? Outcome.CLOSE_NOW : Outcome.CONTINUE;
                }
                case ERROR -> {
                    return Outcome.CLOSE_AFTER_REPLY;
                }
                default -> throw new IllegalStateException("unknown parser status " + st);
            }
        }
    }

    /**
     * The second half, on the loop: runs what {@link #parse(ByteBuffer, List)} produced, in order,
     * then acts on how its parsing ended, as {@link #process} would have (a protocol error is
     * answered after the replies of the commands before it). Empties {@code commands}.
     */
    public Outcome dispatchParsed(List<byte[][]> commands, Outcome parsed) {
        for (int i = 0; i < commands.size() && !closing; i++) {
            dispatcher.dispatch(client, commands.get(i));
            parser.authenticated(client.authenticated());
        }
        commands.clear();
        if (closing) {
            return Outcome.CLOSE_AFTER_REPLY;
        }
        if (parsed == Outcome.CLOSE_NOW) {
            closing = true;
            return Outcome.CLOSE_NOW;
        }
        if (parsed == Outcome.CLOSE_AFTER_REPLY) {
            client.out().error("ERR " + parser.error());
            closing = true;
            return Outcome.CLOSE_AFTER_REPLY;
        }
        return Outcome.CONTINUE;
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
