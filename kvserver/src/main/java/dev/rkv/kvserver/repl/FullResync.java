package dev.rkv.kvserver.repl;

import java.io.IOException;

/**
 * A primary's {@code +FULLRESYNC <replid> <offset> [db]} reply, checked: a 40-character id, a
 * non-negative offset and a valid database, or an IOException that names what was wrong (a
 * broken or hostile primary must not reach the parsers of the numbers with garbage).
 */
record FullResync(String replId, long offset, int streamDb) {

    static FullResync parse(String reply) throws IOException {
        String[] parts = reply.split(" ");
        if (parts.length < 3 || parts.length > 4 || !parts[0].equals("+FULLRESYNC")) {
            throw bad(reply, "expected +FULLRESYNC <replid> <offset>");
        }
        if (!ReplicationIds.isValid(parts[1])) {
            throw bad(reply, "replication id is not 40 hexadecimal characters");
        }
        long offset = number(parts[2], reply, "offset");
        int db = parts.length == 4 ? (int) Math.min(Integer.MAX_VALUE, number(parts[3], reply, "database")) : 0;
        return new FullResync(parts[1], offset, db);
    }

    private static long number(String text, String reply, String what) throws IOException {
        try {
            long v = Long.parseLong(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(reply, what + " '" + text + "' is not a non-negative number");
    }

    private static IOException bad(String reply, String why) {
        String shown = reply.length() > 200 ? reply.substring(0, 200) + "..." : reply;
        return new IOException("bad FULLRESYNC reply from master ('" + shown + "'): " + why);
    }
}
