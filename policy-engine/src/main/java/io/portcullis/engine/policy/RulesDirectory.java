package io.portcullis.engine.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The files of a rules directory: rule files anywhere in it, fixtures under {@code tests/}.
 *
 * <p>Drools ignores a decision table unless it is named {@code *.drl.csv}, {@code *.drl.xls} or
 * {@code *.drl.xlsx}, with only a warning; a table named otherwise is reported as a problem here,
 * so a security team never ships a table that silently does nothing.
 */
public final class RulesDirectory {

    public static final String FIXTURES_FOLDER = "tests";

    private static final List<String> RULE_SUFFIXES = List.of(".drl", ".drl.csv", ".drl.xls", ".drl.xlsx", ".dsl", ".dslr");
    private static final List<String> MISNAMED_TABLE_SUFFIXES = List.of(".csv", ".xls", ".xlsx");

    private final Path root;

    public RulesDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The rule and fixture files as read at one moment, and the revision of exactly those bytes. */
    public record Snapshot(List<RuleSource> rules, List<RuleSource> fixtures, String revision) {
    }

    /**
     * Reads every file once. Misnamed decision tables are added to {@code problems}; other files
     * (READMEs, editor leftovers) are ignored but still count toward the revision if they are
     * rule or fixture files.
     */
    public Snapshot snapshot(List<RuleProblem> problems) throws IOException {
        List<RuleSource> rules = new ArrayList<>();
        List<RuleSource> fixtures = new ArrayList<>();
        MessageDigest digest = sha256();
        for (Path file : files()) {
            String relative = relative(file);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean fixture = relative.startsWith(FIXTURES_FOLDER + "/") && (name.endsWith(".yaml") || name.endsWith(".yml"));
            boolean rule = !relative.startsWith(FIXTURES_FOLDER + "/") && RULE_SUFFIXES.stream().anyMatch(name::endsWith);
            if (!fixture && !rule) {
                if (!relative.startsWith(FIXTURES_FOLDER + "/") && MISNAMED_TABLE_SUFFIXES.stream().anyMatch(name::endsWith)) {
                    problems.add(new RuleProblem(relative, 0,
                            "a decision table must be named *.drl.csv, *.drl.xls or *.drl.xlsx, or it is never loaded"));
                }
                continue;
            }
            RuleSource source = new RuleSource(relative, Files.readAllBytes(file));
            (fixture ? fixtures : rules).add(source);
            digest.update(relative.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(source.content());
            digest.update((byte) 0);
        }
        return new Snapshot(List.copyOf(rules), List.copyOf(fixtures),
                HexFormat.of().formatHex(digest.digest()).substring(0, 12));
    }

    public String relative(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("rules directory " + root + " does not exist");
        }
        // Links are followed and hidden folders skipped: a Kubernetes volume shows each file and
        // folder as a link into a hidden "..<timestamp>" folder that holds the real copies.
        try (Stream<Path> walk = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !hidden(root.relativize(f)) && !isEditorLeftover(f.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static boolean hidden(Path relative) {
        for (Path segment : relative) {
            if (segment.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Hidden files, backups and swap files that editors leave next to the file being edited. */
    private static boolean isEditorLeftover(String name) {
        return name.startsWith(".") || name.endsWith("~") || name.endsWith(".swp") || name.endsWith(".tmp");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
