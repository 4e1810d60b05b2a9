package dev.rkv.kvserver.command;

/** The client classes of client-output-buffer-limit and CLIENT LIST's flags. */
public enum ClientKind {
    NORMAL,
    REPLICA,
    PRIMARY,
    PUBSUB
}
