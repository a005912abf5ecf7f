package io.jpatroni.core.runtime;

import java.io.PrintStream;
import java.util.Map;

/** Lets tests of other packages run the command line as the daemon's entry point would. */
public final class MainAccess {

    private MainAccess() {
    }

    public static int run(String[] args, PrintStream err) {
        return Main.run(args, Map.of(), System.out, err);
    }
}
