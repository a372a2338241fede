package io.portcullis.engine.authn;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file the security team edits under a running gateway (API keys, users, JWKS): parsed at start
 * (where a bad file stops the start), re-parsed when it changes, and — like rule packs — a file
 * that no longer parses leaves the last good version in service, with the error logged.
 *
 * <p>A change is recognised by the content of the file as it resolves now, checked on any event
 * in its folder and every {@link #POLL_INTERVAL}: Kubernetes updates mounted secrets by swapping a
 * {@code ..data} symlink, which never produces an event naming the file itself.
 *
 * @param <T> what the file parses into; immutable, read on every request
 */
public final class WatchedFile<T> implements Supplier<T>, AutoCloseable {

    /** Parses the file; the message of its exception names the file and what is wrong. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Path file) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);
    static final java.time.Duration POLL_INTERVAL = java.time.Duration.ofSeconds(30);
    /**
     * How long a file must stay unchanged before it is read after a change: editors and
     * {@code Files.write} truncate before they write, and the empty file in between parses (an empty
     * deny list would let everyone in). The rule pack's watcher waits as long.
     */
    public static final java.time.Duration QUIET_PERIOD = java.time.Duration.ofMillis(300);

    private final Path file;
    private final Parser<T> parser;
    private final AtomicReference<T> current;
    private final WatchService watchService;
    private final Thread watcher;
    private volatile String lastError = "";
    private volatile String contentSeen;

    private WatchedFile(Path file, Parser<T> parser, T initial) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.contentSeen = contentHash(this.file);
        this.parser = parser;
        this.current = new AtomicReference<>(initial);
        this.watchService = FileSystems.getDefault().newWatchService();
        // Editors replace files by rename, so the folder is watched, not the file.
        this.file.getParent().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.watcher = new Thread(this::watch, "portcullis-watch-" + this.file.getFileName());
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Parses the file now and keeps it current. @throws IOException when the file cannot be used at all */
    public static <T> WatchedFile<T> watch(Path file, Parser<T> parser) throws IOException {
        return new WatchedFile<>(file, parser, parser.parse(file));
    }

    @Override
    public T get() {
        return current.get();
    }

    /** Why the last change was refused; empty when the file in service is the file on disk. */
    public String lastError() {
        return lastError;
    }

    /** Re-reads the file now (also what a change on disk triggers). */
    public synchronized void reload() {
        contentSeen = contentHash(file);
        try {
            current.set(parser.parse(file));
            lastError = "";
            LOG.info("{} reloaded", file.getFileName());
        } catch (IOException | RuntimeException e) {
            lastError = String.valueOf(e.getMessage());
            LOG.error("{} changed but cannot be used, the previous version stays in service: {}", file, lastError);
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.poll(POLL_INTERVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                while (key != null) {
                    key.pollEvents();
                    key.reset();
                    key = watchService.poll(QUIET_PERIOD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                if (!contentHash(file).equals(contentSeen)) {
                    reload();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed
        }
    }

    /** SHA-256 of the file's bytes as the path resolves now (following symlinks), or a marker when unreadable. */
    private static String contentHash(Path file) {
        try {
            return io.portcullis.engine.Sha256.hex(java.nio.file.Files.readAllBytes(file));
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() throws IOException {
        watcher.interrupt();
        watchService.close();
    }
}
