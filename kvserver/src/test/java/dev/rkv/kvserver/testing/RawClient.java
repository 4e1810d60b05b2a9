package dev.rkv.kvserver.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket that sends raw bytes and reads raw RESP replies, for tests that must see exactly
 * what goes over the wire (protocol errors, RESP3 encodings, hostile input). Replies are
 * returned as ISO-8859-1 text, so every byte maps to one char and comparisons are byte-exact.
 */
public final class RawClient implements AutoCloseable {
    /** Default read timeout: long enough for a slow CI machine, short enough to fail a hung test. */
    public static final int DEFAULT_TIMEOUT_MS = 5000;

    private final Link link;
    private final InputStream in;
    private final OutputStream out;

    /** What carries the bytes: a TCP socket, or another transport's blocking streams (RDMA). */
    public interface Link extends java.io.Closeable {
        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        int readTimeout() throws IOException;

        void readTimeout(int ms) throws IOException;

        /** Closes our sending side only; transports without a half-close throw UnsupportedOperationException. */
        void shutdownOutput() throws IOException;

        /** Closes as a crashed client would (TCP: a reset). */
        void abort() throws IOException;
    }

    private static final class SocketLink implements Link {
        private final Socket socket;

        SocketLink(Socket socket) {
            this.socket = socket;
        }

        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public int readTimeout() throws IOException {
            return socket.getSoTimeout();
        }

        @Override
        public void readTimeout(int ms) throws IOException {
            socket.setSoTimeout(ms);
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    public RawClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    public RawClient(String host, int port) throws IOException {
        this(connect(host, port));
    }

    /** A client over any link; its read timeout is set to {@link #DEFAULT_TIMEOUT_MS}. */
    public RawClient(Link link) throws IOException {
        this.link = link;
        link.readTimeout(DEFAULT_TIMEOUT_MS);
        in = new BufferedInputStream(link.input(), 64 * 1024);
        out = link.output();
    }

    private static Link connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), DEFAULT_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new SocketLink(socket);
    }

    public RawClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Sends a command as a RESP multibulk (arguments in UTF-8). */
    public RawClient command(String... argv) throws IOException {
        return send(encode(argv));
    }

    /** Sends a command of binary arguments as a RESP multibulk. */
    public RawClient command(byte[]... argv) throws IOException {
        return send(encode(argv));
    }

    /** Sends a command and reads its reply. */
    public String call(String... argv) throws IOException {
        return command(argv).readReply();
    }

    /** The RESP multibulk encoding of a command (arguments in UTF-8). */
    public static byte[] encode(String... argv) {
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            b[i] = argv[i].getBytes(StandardCharsets.UTF_8);
        }
        return encode(b);
    }

    /** The RESP multibulk encoding of a command. */
    public static byte[] encode(byte[]... argv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }

    /** Reads one complete RESP reply (any type, RESP2 or RESP3) and returns its raw text. */
    public String readReply() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        readValue(buf);
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads {@code n} replies. */
    public List<String> readReplies(int n) throws IOException {
        List<String> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replies.add(readReply());
        }
        return replies;
    }

    private void readValue(ByteArrayOutputStream buf) throws IOException {
        String line = readLine(buf);
        if (line.isEmpty()) {
            throw new IOException("empty RESP line after: " + buf.toString(StandardCharsets.ISO_8859_1));
        }
        char type = line.charAt(0);
        switch (type) {
            case '+', '-', ':', '_', '#', ',', '(' -> {
            }
            case '$', '=', '!' -> {
                int len = Integer.parseInt(line.substring(1));
                if (len >= 0) {
                    byte[] payload = in.readNBytes(len + 2);
                    buf.write(payload);
                    if (payload.length < len + 2) {
                        throw new IOException("connection closed inside a bulk: " + buf.toString(StandardCharsets.ISO_8859_1));
                    }
                }
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(line.substring(1));
                int items = type == '%' || type == '|' ? n * 2 : n;
                for (int i = 0; i < items; i++) {
                    readValue(buf);
                }
                if (type == '|') {
                    readValue(buf); // the attribute is followed by the value it annotates
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    private String readLine(ByteArrayOutputStream buf) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + buf.toString(StandardCharsets.ISO_8859_1) + sb);
            }
            buf.write(b);
            if (prev == '\r' && b == '\n') {
                return sb.substring(0, sb.length() - 1);
            }
            sb.append((char) b);
            prev = b;
        }
    }

    /**
     * Reads everything the server sends until it closes the connection, as ISO-8859-1 text.
     * Fails with {@link SocketTimeoutException} when the server keeps the connection open
     * longer than the read timeout.
     */
    public String readUntilClosed() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("server kept the connection open; received so far: "
                    + buf.toString(StandardCharsets.ISO_8859_1));
            } catch (IOException reset) {
                // A reset after the server closed with unread input in its buffer: it did close.
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
            if (n < 0) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
            buf.write(chunk, 0, n);
        }
    }

    /**
     * Reads the RDB a primary sends after +FULLRESYNC, as a replica would: skips keep-alive
     * newlines, then either {@code $<len>\r\n<len bytes>} (disk) or {@code $EOF:<40-byte mark>\r\n}
     * followed by the payload and the mark again (diskless). Returns the payload.
     */
    public byte[] readRdbTransfer() throws IOException {
        int b;
        while ((b = in.read()) == '\n') {
            // keep-alive while the primary prepares the RDB
        }
        if (b != '$') {
            throw new IOException("expected '$' before the RDB, got " + b);
        }
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        String line = readLine(header);
        if (line.startsWith("EOF:")) {
            byte[] mark = line.substring(4).getBytes(StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("connection closed inside a diskless RDB");
                }
                payload.write(c);
                byte[] sofar = payload.toByteArray();
                if (sofar.length >= mark.length && java.util.Arrays.equals(sofar, sofar.length - mark.length,
                    sofar.length, mark, 0, mark.length)) {
                    return java.util.Arrays.copyOf(sofar, sofar.length - mark.length);
                }
            }
        }
        int len = Integer.parseInt(line);
        byte[] payload = in.readNBytes(len);
        if (payload.length < len) {
            throw new IOException("connection closed inside the RDB");
        }
        return payload;
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * True when nothing arrives and the connection stays open for {@code ms}: for checking
     * that the server is still waiting for the rest of a command. Restores the read timeout.
     */
    public boolean silentFor(int ms) throws IOException {
        int old = link.readTimeout();
        link.readTimeout(ms);
        try {
            in.read(); // data or EOF: either way the connection did not stay silent
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            link.readTimeout(old);
        }
    }

    /** Closes our sending side only (TCP FIN): the server sees EOF after the bytes already sent. */
    public void shutdownOutput() throws IOException {
        link.shutdownOutput();
    }

    /** Closes with a TCP reset instead of an orderly FIN, as a crashed client would. */
    public void abort() throws IOException {
        link.abort();
    }

    public void timeout(int ms) throws IOException {
        link.readTimeout(ms);
    }

    @Override
    public void close() throws IOException {
        link.close();
    }
}
