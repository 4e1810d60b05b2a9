package dev.rkv.kvserver.commands;

/** CLIENT SETNAME's rule: names may not contain spaces, newlines or other special characters. */
final class ClientNames {
    private ClientNames() {
    }

    static boolean valid(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '!' || ch > '~') {
                return false;
            }
        }
        return true;
    }
}
