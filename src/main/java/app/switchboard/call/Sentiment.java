package app.switchboard.call;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caller's mood from the words they say: a small English and Spanish lexicon shipped with the
 * app ({@code sentiment-lexicon.tsv} beside this class), with negation ("not happy") and
 * intensifiers ("very angry"), in the manner of VADER. One prompt scores from -1 (very negative)
 * to 1 (very positive); 0 when no word of the lexicon is in it. What it cannot see (sarcasm, other
 * languages, words the speech recogniser got wrong) is in docs/alerts.md. Immutable and
 * thread-safe; one instance serves every call.
 */
public final class Sentiment {

    static final String RESOURCE = "sentiment-lexicon.tsv";
    /** How a negated word's valence changes: flipped and weakened ("not good" is milder than "bad"). */
    static final double NEGATION = -0.74;
    /** How many words before a valenced word a negator still reaches ("not at all happy"). */
    static final int NEGATION_REACH = 3;
    /** VADER's normalisation constant: the summed valence s becomes s / sqrt(s² + α). */
    static final double ALPHA = 15;
    private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}'\u2019-]*");

    private static volatile Sentiment shipped;

    private final Map<String, Double> valence;
    private final Set<String> negators;
    private final Map<String, Double> intensifiers;

    Sentiment(Map<String, Double> valence, Set<String> negators, Map<String, Double> intensifiers) {
        this.valence = Map.copyOf(valence);
        this.negators = Set.copyOf(negators);
        this.intensifiers = Map.copyOf(intensifiers);
    }

    /** The lexicon shipped with the app, read once. */
    public static Sentiment shipped() {
        Sentiment s = shipped;
        if (s == null) {
            synchronized (Sentiment.class) {
                s = shipped;
                if (s == null) {
                    try (InputStream in = Sentiment.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException(RESOURCE + " is missing from the class path");
                        }
                        s = read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    shipped = s;
                }
            }
        }
        return s;
    }

    /** Reads the lexicon format (see the resource's header); malformed lines are skipped. */
    static Sentiment read(String text) {
        Map<String, Double> valence = new HashMap<>();
        Set<String> negators = new HashSet<>();
        Map<String, Double> intensifiers = new HashMap<>();
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(text))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                try {
                    if (f[0].equals("@negator") && f.length >= 2) {
                        negators.add(normalise(f[1]));
                    } else if (f[0].equals("@intensifier") && f.length >= 3) {
                        intensifiers.put(normalise(f[1]), Double.parseDouble(f[2].strip()));
                    } else if (f.length >= 2 && !f[0].startsWith("@")) {
                        valence.put(normalise(f[0]), Double.parseDouble(f[1].strip()));
                    }
                } catch (NumberFormatException skipped) {
                    // a typo in one line must not cost the whole lexicon
                }
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return new Sentiment(valence, negators, intensifiers);
    }

    private static String normalise(String word) {
        return word.strip().toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    }

    /** How many words have a valence (for the docs and tests). */
    public int size() {
        return valence.size();
    }

    /** The score of one utterance, from -1 to 1; 0 when no lexicon word is in it. */
    public double score(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(normalise(m.group()));
        }
        double sum = 0;
        for (int i = 0; i < words.size(); i++) {
            Double v = valence.get(words.get(i));
            if (v == null || v == 0) {
                continue;
            }
            double value = v;
            if (i > 0) {
                Double factor = intensifiers.get(words.get(i - 1));
                if (factor != null) {
                    value *= factor;
                }
            }
            for (int back = 1; back <= NEGATION_REACH && i - back >= 0; back++) {
                if (negators.contains(words.get(i - back))) {
                    value *= NEGATION;
                    break;
                }
            }
            sum += value;
        }
        return sum == 0 ? 0 : sum / Math.sqrt(sum * sum + ALPHA);
    }

    /** True when {@code text} has at least one word with a valence. */
    public boolean hasOpinion(String text) {
        if (text == null) {
            return false;
        }
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            if (valence.containsKey(normalise(m.group()))) {
                return true;
            }
        }
        return false;
    }
}
