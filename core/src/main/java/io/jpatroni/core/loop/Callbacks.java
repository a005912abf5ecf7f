package io.jpatroni.core.loop;

import io.jpatroni.api.callback.CallbackEvent;
import io.jpatroni.api.callback.CallbackListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code postgresql.callbacks} (ha-loop.md §19): {@code <command> <action> <role> <scope>}, run
 * asynchronously one at a time; a new callback kills the previous one if it still runs (on_reload
 * has its own queue). Plugins' {@link CallbackListener}s get the same events on their own thread.
 * Nothing here ever blocks the HA loop.
 */
final class Callbacks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private final Map<String, String> commands;
    private final String scope;
    private final String member;
    private final List<CallbackListener> listeners;
    private final ExecutorService scripts = daemonThread("jpatroni-callback");
    private final ExecutorService reloadScripts = daemonThread("jpatroni-callback-reload");
    private final ExecutorService plugins = daemonThread("jpatroni-callback-plugins");
    private Process running;
    private Process runningReload;

    Callbacks(Map<String, String> commands, String scope, String member, List<CallbackListener> listeners) {
        this.commands = commands;
        this.scope = scope;
        this.member = member;
        this.listeners = List.copyOf(listeners);
    }

    /** Fires {@code action} with Patroni's role word ("promoted" is reported as "primary"). */
    void fire(String action, String role) {
        String reported = "promoted".equals(role) ? "primary" : role;
        CallbackEvent event = new CallbackEvent(action, reported, scope, member);
        for (CallbackListener listener : listeners) {
            plugins.execute(() -> {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("callback plugin {} failed on {}: {}", listener.getClass().getName(), action,
                            e.getMessage());
                }
            });
        }
        String command = commands.get(action);
        if (command == null || command.isBlank()) {
            return;
        }
        List<String> argv = new ArrayList<>(ShellWords.split(command));
        argv.addAll(List.of(action, reported, scope));
        boolean reload = "on_reload".equals(action);
        (reload ? reloadScripts : scripts).execute(() -> run(argv, reload));
    }

    private void run(List<String> argv, boolean reload) {
        synchronized (this) {
            Process previous = reload ? runningReload : running;
            if (previous != null && previous.isAlive()) {
                LOG.warn("killing the previous callback {} (still running)", previous.info().command().orElse("?"));
                // The script first, then its children: killing a child first lets the script run on.
                List<ProcessHandle> children = previous.descendants().toList();
                previous.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().keySet().removeIf(k -> k.startsWith("PATRONI_"));
            Process process = builder.start();
            synchronized (this) {
                if (reload) {
                    runningReload = process;
                } else {
                    running = process;
                }
            }
            LOG.info("calling {}", String.join(" ", argv));
        } catch (IOException e) {
            LOG.warn("callback {} could not be started: {}", argv.get(0), e.getMessage());
        }
    }

    private static ExecutorService daemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        scripts.shutdownNow();
        reloadScripts.shutdownNow();
        plugins.shutdownNow();
    }
}
