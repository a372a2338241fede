package io.portcullis.engine.authn.basic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code users hash} as a script runs it: the password on standard input, no terminal. */
class UsersCommandTest {

    @Test
    void bcryptHashOfTheFirstLineOfInputVerifies() {
        Result result = run("s3cret pass phrase\r\nsecond line ignored\n");

        assertThat(result.exitCode).isZero();
        assertThat(result.out).startsWith("$2b$12$");
        PasswordHash hash = PasswordHash.parse(result.out.strip());
        assertThat(hash.matches("s3cret pass phrase".toCharArray())).isTrue();
        assertThat(hash.weakness()).isEmpty();
    }

    @Test
    void argon2idOnRequestAndForLongPasswords() {
        String longPassword = "correct horse battery staple ".repeat(4);

        Result result = run(longPassword + "\n", "--argon2id");

        assertThat(result.exitCode).isZero();
        assertThat(result.out).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHash.parse(result.out.strip()).matches(longPassword.toCharArray())).isTrue();
    }

    @Test
    void bcryptRefusesAPasswordItWouldTruncateWithoutPrintingIt() {
        String longPassword = "correct horse battery staple ".repeat(4);

        Result result = run(longPassword + "\n");

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.out).isEmpty();
        assertThat(result.err).contains("only the first 72 bytes").contains("Argon2id").doesNotContain("horse");
    }

    @Test
    void emptyInputAndTooLowACostAreRefused() {
        assertThat(run("").err).contains("no password given");
        assertThat(run("\n").exitCode).isEqualTo(1);
        Result cheap = run("pw\n", "--cost", "8");
        assertThat(cheap.exitCode).isEqualTo(1);
        assertThat(cheap.err).contains("between 10 and 16");
    }

    private static Result run(String input, String... options) {
        UsersCommand.Hash hash = new UsersCommand.Hash();
        hash.console = () -> null;
        hash.input = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == UsersCommand.Hash.class ? (K) hash : CommandLine.defaultFactory().create(type);
            }
        };
        CommandLine command = new CommandLine(new UsersCommand(), factory);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] args = new String[options.length + 1];
        args[0] = "hash";
        System.arraycopy(options, 0, args, 1, options.length);
        int exitCode = command.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err) {
    }
}
