package dev.rkv.kvserver.it;

import java.util.ArrayList;
import java.util.List;

/**
 * A raw RESP reply (as {@link dev.rkv.kvserver.testing.RawClient} returns it) split into its
 * parts, so that comparisons can look inside aggregates: for example KEYS replies compared as
 * sets. {@code raw} is always the exact text the server sent for this value.
 */
record RespReply(char type, String header, String raw, List<RespReply> children) {

    static RespReply parse(String raw) {
        int[] pos = {0};
        RespReply r = parse(raw, pos);
        if (pos[0] != raw.length()) {
            throw new IllegalArgumentException("trailing bytes after reply: " + raw);
        }
        return r;
    }

    private static RespReply parse(String s, int[] pos) {
        int start = pos[0];
        int eol = s.indexOf("\r\n", start);
        if (eol < 0) {
            throw new IllegalArgumentException("incomplete reply: " + s.substring(start));
        }
        char type = s.charAt(start);
        String header = s.substring(start + 1, eol);
        pos[0] = eol + 2;
        List<RespReply> children = List.of();
        switch (type) {
            case '$', '=', '!' -> {
                int len = Integer.parseInt(header);
                if (len >= 0) {
                    pos[0] += len + 2;
                }
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(header);
                int items = type == '%' || type == '|' ? n * 2 : Math.max(n, 0);
                children = new ArrayList<>(items);
                for (int i = 0; i < items; i++) {
                    children.add(parse(s, pos));
                }
            }
            default -> {
            }
        }
        return new RespReply(type, header, s.substring(start, pos[0]), children);
    }

    /** A bulk string's payload, or the text of a simple string/error/number line. */
    String text() {
        if (type == '$' || type == '=' || type == '!') {
            int len = Integer.parseInt(header);
            if (len < 0) {
                return null;
            }
            int from = raw.indexOf("\r\n") + 2;
            return raw.substring(from, from + len);
        }
        return header;
    }

    boolean isError() {
        return type == '-' || type == '!';
    }

    boolean isNull() {
        return type == '_' || ((type == '$' || type == '*') && header.equals("-1"));
    }

    /** The integer of a ':' reply, or null for any other type. */
    Long integer() {
        return type == ':' ? Long.valueOf(header) : null;
    }
}
