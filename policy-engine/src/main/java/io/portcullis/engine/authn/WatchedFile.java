package io.portcullis.engine.authn;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
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
 * @param <T> what the file parses into; immutable, read on every request
 */
public final class WatchedFile<T> implements Supplier<T>, AutoCloseable {

    /** Parses the file; the message of its exception names the file and what is wrong. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Path file) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    private final Path file;
    private final Parser<T> parser;
    private final AtomicReference<T> current;
    private final WatchService watchService;
    private final Thread watcher;
    private volatile String lastError = "";

    private WatchedFile(Path file, Parser<T> parser, T initial) throws IOException {
        this.file = file.toAbsolutePath().normalize();
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
                WatchKey key = watchService.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    ours |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || file.getFileName().equals(event.context());
                }
                key.reset();
                if (ours) {
                    reload();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        watcher.interrupt();
        watchService.close();
    }
}
