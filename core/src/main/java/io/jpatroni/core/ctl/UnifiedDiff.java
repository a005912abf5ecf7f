package io.jpatroni.core.ctl;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff with three lines of context, laid out as Python's {@code difflib.unified_diff}
 * prints it with empty file names ({@code --- }, {@code +++ }, {@code @@ -1,3 +1,4 @@}).
 */
final class UnifiedDiff {

    private record Op(char tag, int i1, int i2, int j1, int j2) {
    }

    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /** The diff lines, or none when the texts are equal. */
    static List<String> lines(String before, String after) {
        List<String> a = split(before);
        List<String> b = split(after);
        List<String> out = new ArrayList<>();
        for (List<Op> group : groups(opcodes(a, b))) {
            if (out.isEmpty()) {
                out.add("--- ");
                out.add("+++ ");
            }
            Op first = group.get(0);
            Op last = group.get(group.size() - 1);
            out.add("@@ -" + range(first.i1(), last.i2()) + " +" + range(first.j1(), last.j2()) + " @@");
            for (Op op : group) {
                if (op.tag() == 'e') {
                    a.subList(op.i1(), op.i2()).forEach(l -> out.add(" " + l));
                    continue;
                }
                if (op.tag() == 'r' || op.tag() == 'd') {
                    a.subList(op.i1(), op.i2()).forEach(l -> out.add("-" + l));
                }
                if (op.tag() == 'r' || op.tag() == 'i') {
                    b.subList(op.j1(), op.j2()).forEach(l -> out.add("+" + l));
                }
            }
        }
        return out;
    }

    private static List<String> split(String text) {
        String t = text;
        while (t.endsWith("\n")) {
            t = t.substring(0, t.length() - 1);
        }
        return List.of(t.split("\n", -1));
    }

    private static String range(int start, int stop) {
        int beginning = start + 1;
        int length = stop - start;
        if (length == 1) {
            return Integer.toString(beginning);
        }
        if (length == 0) {
            beginning--;
        }
        return beginning + "," + length;
    }

    /** equal / replace / delete / insert runs from a longest common subsequence. */
    private static List<Op> opcodes(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                int si = i;
                int sj = j;
                while (i < n && j < m && a.get(i).equals(b.get(j))) {
                    i++;
                    j++;
                }
                ops.add(new Op('e', si, i, sj, j));
                continue;
            }
            int si = i;
            int sj = j;
            while ((i < n || j < m) && !(i < n && j < m && a.get(i).equals(b.get(j)))) {
                if (j >= m || i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
                    i++;
                } else {
                    j++;
                }
            }
            char tag = i > si && j > sj ? 'r' : i > si ? 'd' : 'i';
            ops.add(new Op(tag, si, i, sj, j));
        }
        if (ops.isEmpty()) {
            ops.add(new Op('e', 0, 1, 0, 1));
        }
        return ops;
    }

    private static List<List<Op>> groups(List<Op> codes) {
        List<Op> ops = new ArrayList<>(codes);
        Op head = ops.get(0);
        if (head.tag() == 'e') {
            ops.set(0, new Op('e', Math.max(head.i1(), head.i2() - CONTEXT), head.i2(),
                    Math.max(head.j1(), head.j2() - CONTEXT), head.j2()));
        }
        Op tail = ops.get(ops.size() - 1);
        if (tail.tag() == 'e') {
            ops.set(ops.size() - 1, new Op('e', tail.i1(), Math.min(tail.i2(), tail.i1() + CONTEXT), tail.j1(),
                    Math.min(tail.j2(), tail.j1() + CONTEXT)));
        }
        List<List<Op>> groups = new ArrayList<>();
        List<Op> group = new ArrayList<>();
        for (Op op : ops) {
            int i1 = op.i1();
            int j1 = op.j1();
            if (op.tag() == 'e' && op.i2() - i1 > 2 * CONTEXT) {
                group.add(new Op('e', i1, Math.min(op.i2(), i1 + CONTEXT), j1, Math.min(op.j2(), j1 + CONTEXT)));
                groups.add(group);
                group = new ArrayList<>();
                i1 = Math.max(i1, op.i2() - CONTEXT);
                j1 = Math.max(j1, op.j2() - CONTEXT);
            }
            group.add(new Op(op.tag(), i1, op.i2(), j1, op.j2()));
        }
        if (!group.isEmpty() && !(group.size() == 1 && group.get(0).tag() == 'e')) {
            groups.add(group);
        }
        groups.removeIf(g -> g.stream().allMatch(o -> o.tag() == 'e'));
        return groups;
    }
}
