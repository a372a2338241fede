package io.portcullis.camel.config;

/** The configuration cannot be used; the message names the key and what is wrong with it. */
public final class InvalidConfigurationException extends Exception {

    public InvalidConfigurationException(String message) {
        super(message);
    }
}
