package io.jpatroni.core.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** Who can talk to whom, and how slowly: the faults' switchboard. */
final class Network {

    boolean dcsDown;
    final Set<String> cutFromDcs = new TreeSet<>();
    final Set<String> cutPairs = new TreeSet<>();
    /** Extra one-way delay of every DCS request while the DCS is slow (0 = normal). */
    long dcsSlowOneWay;
    /** Extra one-way delay of REST messages to and from a node. */
    final Map<String, Long> restDelay = new HashMap<>();

    boolean dcsReachable(String node) {
        return !dcsDown && !cutFromDcs.contains(node);
    }

    boolean linked(String a, String b) {
        return a.equals(b) || !cutPairs.contains(pair(a, b));
    }

    static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "<->" + b : b + "<->" + a;
    }

    /** One leg of a DCS round trip: a millisecond or two, plus the slowness fault. */
    long dcsOneWay(Random rng) {
        long base = 300 + rng.nextInt(1700);
        return dcsSlowOneWay == 0 ? base : base + dcsSlowOneWay / 2 + (long) (rng.nextDouble() * dcsSlowOneWay / 2);
    }

    long restOneWay(Random rng, String from, String to) {
        return 200 + rng.nextInt(800) + restDelay.getOrDefault(from, 0L) + restDelay.getOrDefault(to, 0L);
    }

    boolean healed() {
        return !dcsDown && cutFromDcs.isEmpty() && cutPairs.isEmpty() && dcsSlowOneWay == 0 && restDelay.isEmpty();
    }
}
