package io.portcullis.engine.authn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the YAML files in which the security team lists credentials (API keys, users, certificate
 * clients), so that each refuses a bad file in the same words: which file, and what is wrong.
 */
public final class CredentialFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CredentialFiles() {
    }

    /**
     * The entries of the list {@code listName} in {@code file}, none of them null.
     *
     * @param kind how messages name the file, e.g. "API key file"
     * @throws IOException when the file cannot be read, is empty, does not parse, has no such list, or has an empty entry
     */
    public static <F, E> List<E> entries(Path file, String kind, Class<F> fileType, Function<F, List<E>> list,
                                         String listName) throws IOException {
        String content = Files.readString(file);
        if (content.isBlank()) {
            throw new IOException(kind + " " + file + " is empty");
        }
        F parsed;
        try {
            parsed = YAML.readValue(content, fileType);
        } catch (IOException e) {
            throw new IOException(kind + " " + file + " is not valid: " + firstLine(e.getMessage()), e);
        }
        List<E> entries = parsed == null ? null : list.apply(parsed);
        if (entries == null) {
            throw new IOException(kind + " " + file + " has no '" + listName + "' list");
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == null) {
                throw new IOException(kind + " " + file + ": entry " + (i + 1) + " of '" + listName + "' is empty");
            }
        }
        return entries;
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }
}
