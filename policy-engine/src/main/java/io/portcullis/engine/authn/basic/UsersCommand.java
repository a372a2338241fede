package io.portcullis.engine.authn.basic;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portcullis users ...}: commands for people who keep the HTTP Basic users file. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Work with the HTTP Basic users file.",
        subcommands = UsersCommand.Hash.class)
public final class UsersCommand {

    /**
     * {@code portcullis users hash [--argon2id]}: reads a password and prints the hash to paste into
     * the users file as {@code passwordHash}. The password is read from the terminal without echo
     * (asked twice, to catch typos) or, when there is no terminal, as the first line of standard
     * input ({@code ... | portcullis users hash}); never from an argument, which would land in the
     * shell history and the process list.
     */
    @Command(name = "hash", mixinStandardHelpOptions = true,
            description = "Read a password (terminal without echo, or the first line of standard input)"
                    + " and print its hash for the users file.")
    public static final class Hash implements Callable<Integer> {

        static final int MAX_PASSWORD_CHARS = 1024;

        @Option(names = "--argon2id",
                description = "hash with Argon2id (m=19456,t=2,p=1) instead of bcrypt; needed for passwords over 72 bytes")
        boolean argon2id;

        @Option(names = "--cost", defaultValue = "" + BcryptHash.DEFAULT_COST, paramLabel = "N",
                description = "bcrypt cost, " + BcryptHash.MIN_COST + " to " + BcryptHash.MAX_COST
                        + " (default: ${DEFAULT-VALUE}); each step doubles the time per login")
        int cost;

        @Spec
        CommandSpec spec;

        // Where the password comes from; tests replace these.
        Supplier<Console> console = System::console;
        InputStream input = System.in;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            char[] password = null;
            try {
                password = readPassword();
                PasswordHash hash = argon2id ? Argon2idHash.create(password) : BcryptHash.create(password, cost);
                out.println(hash.encoded());
                out.flush();
                return 0;
            } catch (IllegalArgumentException | IOException e) {
                // Our messages never contain the password; they say what is wrong with it.
                err.println("users hash: " + e.getMessage());
                err.flush();
                return 1;
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        }

        private char[] readPassword() throws IOException {
            Console terminal = console.get();
            char[] password = terminal != null ? fromTerminal(terminal) : firstLine(input);
            if (password.length == 0) {
                throw new IllegalArgumentException("no password given");
            }
            for (char c : password) {
                if (Character.isISOControl(c)) {
                    Arrays.fill(password, '\0');
                    throw new IllegalArgumentException("the password contains a control character, which HTTP Basic"
                            + " cannot carry (RFC 7617)");
                }
            }
            return password;
        }

        private static char[] fromTerminal(Console terminal) {
            char[] first = terminal.readPassword("Password: ");
            char[] second = first == null ? null : terminal.readPassword("Repeat password: ");
            try {
                if (first == null || second == null) {
                    throw new IllegalArgumentException("no password given");
                }
                if (!Arrays.equals(first, second)) {
                    throw new IllegalArgumentException("the passwords differ");
                }
                return first.clone();
            } finally {
                if (first != null) {
                    Arrays.fill(first, '\0');
                }
                if (second != null) {
                    Arrays.fill(second, '\0');
                }
            }
        }

        /** The first line of UTF-8 input, read into a char array so that no String copy is left behind. */
        private static char[] firstLine(InputStream input) throws IOException {
            // Not closed: closing would close System.in.
            Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8);
            char[] buffer = new char[MAX_PASSWORD_CHARS + 1];
            int length = 0;
            try {
                int c;
                while ((c = reader.read()) != -1 && c != '\n') {
                    if (length == buffer.length) {
                        throw new IllegalArgumentException("the password is longer than " + MAX_PASSWORD_CHARS
                                + " characters");
                    }
                    buffer[length++] = (char) c;
                }
                if (length > 0 && buffer[length - 1] == '\r') {
                    length--;
                }
                if (length > MAX_PASSWORD_CHARS) {
                    throw new IllegalArgumentException("the password is longer than " + MAX_PASSWORD_CHARS
                            + " characters");
                }
                return Arrays.copyOf(buffer, length);
            } finally {
                Arrays.fill(buffer, '\0');
            }
        }
    }
}
