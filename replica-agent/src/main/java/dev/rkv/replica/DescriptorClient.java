package dev.rkv.replica;

import dev.rkv.kvserver.repl.AcceleratedSync;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks a primary for its agent's descriptor over RESP: AUTH with the replication credentials
 * (when there are any), then {@code RKVSYNC DESCRIPTOR secret}. Blocking; one use.
 */
final class DescriptorClient {
    private DescriptorClient() {
    }

    /**
     * @throws AcceleratedSync.Unavailable when the primary has no agent or refuses the secret
     * @throws IOException                 when the primary cannot be reached
     */
    static Descriptor fetch(AcceleratedSync.Request req, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(req.host(), req.port()), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            if (!req.password().isEmpty()) {
                String r = req.user().isEmpty() ? call(in, out, "AUTH", req.password()) : call(in, out, "AUTH", req.user(), req.password());
                // A primary without requirepass may still hold an agent secret: only RKVSYNC checks it then.
                if (r.startsWith("-") && !r.contains("without any password configured")) {
                    throw new AcceleratedSync.Unavailable("primary refused AUTH: " + r.substring(1));
                }
            }
            String reply = call(in, out, "RKVSYNC", "DESCRIPTOR", req.password());
            if (reply.startsWith("-")) {
                throw new AcceleratedSync.Unavailable("primary has no usable agent: " + reply.substring(1));
            }
            return Descriptor.parse(reply, req.host());
        } catch (IllegalArgumentException e) {
            throw new AcceleratedSync.Unavailable("primary sent a bad descriptor: " + e.getMessage());
        }
    }

    /** Sends a command and returns a simple/error line (with its +/- sign) or a bulk string's text. */
    private static String call(InputStream in, OutputStream out, String... argv) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : argv) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        String line = readLine(in);
        if (line.startsWith("$")) {
            int len = Integer.parseInt(line.substring(1));
            if (len < 0 || len > (1 << 20)) {
                throw new IOException("descriptor reply of " + len + " bytes");
            }
            byte[] data = in.readNBytes(len + 2);
            if (data.length != len + 2) {
                throw new EOFException("primary closed the connection in a reply");
            }
            return new String(data, 0, len, StandardCharsets.UTF_8);
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("primary closed the connection");
            }
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() > 64 * 1024) {
                throw new IOException("reply line longer than 64 KiB");
            }
            sb.append((char) c);
        }
    }
}
