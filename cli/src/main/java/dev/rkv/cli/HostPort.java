package dev.rkv.cli;

/** host:port arguments. */
final class HostPort {
    private HostPort() {
    }

    /** @throws IllegalArgumentException naming the option and the value */
    static String[] parse(String value, String option) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, was '" + value + "'");
        }
        port(value.substring(colon + 1), option);
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    static int port(String value, String what) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": port must be between 1 and 65535, was '" + value + "'");
    }
}
