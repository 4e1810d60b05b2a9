package dev.rkv.kvserver.config;

/** A configuration value that cannot be accepted; the message is the reason Redis would give. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
