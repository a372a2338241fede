package io.portcullis.engine.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reloads the live rule pack when a file under the rules directory changes. Changes are debounced
 * (editors write a file in several steps) so one save gives one reload.
 */
public final class RulesDirectoryWatcher implements AutoCloseable {

    private final LiveRulePack pack;
    private final Duration quietPeriod;
    private final WatchService watchService;
    private final ScheduledExecutorService scheduler;
    private final Thread watchThread;
    private ScheduledFuture<?> pendingReload;

    public RulesDirectoryWatcher(LiveRulePack pack, Duration quietPeriod) throws IOException {
        this.pack = pack;
        this.quietPeriod = quietPeriod;
        this.watchService = FileSystems.getDefault().newWatchService();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("portcullis-rules-reload"));
        registerTree(pack.directory().root());
        this.watchThread = daemon("portcullis-rules-watch").newThread(this::watch);
        watchThread.start();
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && event.context() instanceof Path name) {
                        Path created = ((Path) key.watchable()).resolve(name);
                        if (Files.isDirectory(created)) {
                            registerTree(created);
                        }
                    }
                }
                key.reset();
                scheduleReload();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed: stop watching
        } catch (IOException | RuntimeException e) {
            pack.warn("rule files are no longer watched (" + e.getMessage() + "): changes need POST /rules/reload or a restart");
        }
    }

    private synchronized void scheduleReload() {
        if (pendingReload != null) {
            pendingReload.cancel(false);
        }
        pendingReload = scheduler.schedule(pack::reload, quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    @Override
    public void close() throws IOException {
        watchThread.interrupt();
        watchService.close();
        scheduler.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
