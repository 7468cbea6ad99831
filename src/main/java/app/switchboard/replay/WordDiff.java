package app.switchboard.replay;

import java.util.ArrayList;
import java.util.List;

/** A word-level diff (longest common subsequence over whitespace-separated words). */
public final class WordDiff {

    public enum Op { SAME, REMOVED, ADDED }

    /** A run of words, with the spaces between them. */
    public record Part(Op op, String text) {
    }

    /** Beyond this many words a side the table would be too large; the diff is then one removal and one addition. */
    private static final int MAX_WORDS = 2000;

    private WordDiff() {
    }

    public static List<Part> diff(String original, String candidate) {
        String[] a = words(original);
        String[] b = words(candidate);
        List<Part> out = new ArrayList<>();
        if (a.length > MAX_WORDS || b.length > MAX_WORDS) {
            add(out, Op.REMOVED, String.join(" ", a));
            add(out, Op.ADDED, String.join(" ", b));
            return out;
        }
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                add(out, Op.SAME, a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                add(out, Op.REMOVED, a[i++]); // removals first: the reader sees what went, then what came
            } else {
                add(out, Op.ADDED, b[j++]);
            }
        }
        return out;
    }

    /** Same words in the same order (spacing ignored). */
    public static boolean sameWords(String original, String candidate) {
        return String.join(" ", words(original)).equals(String.join(" ", words(candidate)));
    }

    private static String[] words(String text) {
        String s = text == null ? "" : text.strip();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }

    private static void add(List<Part> out, Op op, String word) {
        if (word.isEmpty()) {
            return;
        }
        if (!out.isEmpty() && out.get(out.size() - 1).op() == op) {
            Part last = out.remove(out.size() - 1);
            out.add(new Part(op, last.text() + " " + word));
        } else {
            out.add(new Part(op, word));
        }
    }
}
