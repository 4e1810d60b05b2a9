package dev.rkv.kvserver.net;

/**
 * A client's transport, as the command layer sees it. TCP is the first implementation; RDMA
 * joins it later. Every method is called on the event loop thread.
 */
public interface Connection {
    /** "ip:port" of the peer, as CLIENT LIST prints it. */
    String peerAddress();

    /** "ip:port" of our end. */
    String localAddress();

    /** A short transport name: "tcp", "rdma". */
    String transport();

    /** Asks the event loop to write this connection's pending output (e.g. after a PUBLISH from another client). */
    void requestFlush();

    /** Closes once the output produced so far has been written (QUIT, protocol errors). */
    void closeAfterReply();

    /** Closes at once, discarding pending output (CLIENT KILL, limits). */
    void close();

    /** Bytes buffered for the command being parsed (CLIENT LIST qbuf). */
    long queryBufferBytes();
}
