package app.switchboard.agent;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text as a text-to-speech voice says it, as a list of units: each unit is a span of the
 * original text and the word sequences it may be spoken as ("$20" is spoken "twenty dollars";
 * "2024" may be "two thousand twenty four" or "twenty twenty four"). Markup (SSML tags) is not
 * spoken; case, punctuation and accents do not count. Used to match Twilio's
 * {@code utteranceUntilInterrupt} against what was sent.
 */
final class SpokenForm {

    /** A span {@code [start, end)} of the source text and its possible spoken word sequences. */
    record Unit(int start, int end, List<List<String>> alternatives) {
    }

    private static final Pattern MARKUP = Pattern.compile("<[^<>]*>");
    private static final Pattern UNIT = Pattern.compile(
            "(?<cur>[$£€])\\s?(?<camt>\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(?<cents>\\d{1,2}))?(?!\\d)"
                    + "|(?<hour>\\d{1,2}):(?<min>\\d{2})(?!\\d)"
                    + "|(?<num>\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.(?<frac>\\d+))?(?<ord>st|nd|rd|th)?(?<pct>\\s?%)?"
                    + "|(?<word>[\\p{L}\\p{M}]+(?:['’][\\p{L}\\p{M}]+)*)"
                    + "|(?<amp>&)|(?<percent>%)",
            Pattern.CASE_INSENSITIVE);

    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety"};
    private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion"};

    private SpokenForm() {
    }

    static List<Unit> units(String text) {
        // Blank out markup with spaces of the same length, so offsets stay those of the source.
        StringBuilder plain = new StringBuilder(text);
        Matcher tags = MARKUP.matcher(text);
        while (tags.find()) {
            for (int i = tags.start(); i < tags.end(); i++) {
                plain.setCharAt(i, ' ');
            }
        }
        List<Unit> units = new ArrayList<>();
        Matcher m = UNIT.matcher(plain);
        while (m.find()) {
            List<List<String>> alternatives = alternatives(m);
            if (!alternatives.isEmpty()) {
                units.add(new Unit(m.start(), m.end(), alternatives));
            }
        }
        return units;
    }

    /** The most likely spoken words of a text, flattened. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (Unit unit : units(text)) {
            words.addAll(unit.alternatives().get(0));
        }
        return words;
    }

    private static List<List<String>> alternatives(Matcher m) {
        Set<List<String>> out = new LinkedHashSet<>();
        if (m.group("word") != null) {
            String w = plainWord(m.group("word"));
            if (!w.isEmpty()) {
                out.add(List.of(w));
            }
        } else if (m.group("cur") != null) {
            currency(m.group("cur"), digitsOnly(m.group("camt")), m.group("cents"), out);
        } else if (m.group("hour") != null) {
            long hour = Long.parseLong(m.group("hour"));
            int min = Integer.parseInt(m.group("min"));
            List<String> h = cardinal(hour);
            if (min == 0) {
                out.add(join(h, List.of("o", "clock")));
                out.add(h);
                out.add(join(h, List.of("hundred")));
            } else if (min < 10) {
                out.add(join(h, List.of("oh"), cardinal(min)));
                out.add(join(h, List.of("zero"), cardinal(min)));
                out.add(join(h, cardinal(min)));
            } else {
                out.add(join(h, cardinal(min)));
            }
        } else if (m.group("num") != null) {
            String digits = digitsOnly(m.group("num"));
            String frac = m.group("frac");
            String ord = m.group("ord");
            boolean pct = m.group("pct") != null;
            List<List<String>> base = new ArrayList<>(integerAlternatives(digits, m.group("num").contains(",")));
            if (frac != null) {
                List<String> fracWords = new ArrayList<>(List.of("point"));
                for (char c : frac.toCharArray()) {
                    fracWords.add(ONES[c - '0']);
                }
                base.replaceAll(b -> join(b, fracWords));
            }
            for (List<String> b : base) {
                if (ord != null && frac == null) {
                    out.add(ordinal(b));
                } else if (pct) {
                    out.add(join(b, List.of("percent")));
                    out.add(join(b, List.of("per", "cent")));
                } else {
                    out.add(b);
                }
            }
        } else if (m.group("amp") != null) {
            out.add(List.of("and"));
        } else if (m.group("percent") != null) {
            out.add(List.of("percent"));
        }
        return new ArrayList<>(out);
    }

    private static void currency(String symbol, String amount, String cents, Set<List<String>> out) {
        String major;
        String majorOne;
        String minor;
        String minorOne;
        if ("£".equals(symbol)) {
            major = "pounds";
            majorOne = "pound";
            minor = "pence";
            minorOne = "penny";
        } else if ("€".equals(symbol)) {
            major = "euros";
            majorOne = "euro";
            minor = "cents";
            minorOne = "cent";
        } else {
            major = "dollars";
            majorOne = "dollar";
            minor = "cents";
            minorOne = "cent";
        }
        long units = parse(amount);
        List<String> unitWords = join(cardinal(units), List.of(units == 1 ? majorOne : major));
        if (cents == null || Long.parseLong(cents) == 0) {
            out.add(unitWords);
            return;
        }
        long c = Long.parseLong(cents.length() == 1 ? cents + "0" : cents);
        List<String> centWords = join(cardinal(c), List.of(c == 1 ? minorOne : minor));
        if (units == 0) {
            out.add(centWords);
        }
        out.add(join(unitWords, List.of("and"), centWords));
        out.add(join(unitWords, centWords));
        out.add(join(unitWords, cardinal(c)));
        out.add(join(cardinal(units), cardinal(c)));
        out.add(join(cardinal(units), List.of("point"), digitWords(cents), List.of(major)));
    }

    private static List<List<String>> integerAlternatives(String digits, boolean grouped) {
        List<List<String>> out = new ArrayList<>();
        if (digits.length() > 15) {
            out.add(digitWords(digits));
            return out;
        }
        long n = Long.parseLong(digits);
        out.add(cardinal(n));
        List<String> british = cardinal(n, true);
        if (!british.equals(out.get(0))) {
            out.add(british);
        }
        if (!grouped && digits.length() == 4 && n >= 1100 && n % 1000 != 0) {
            // Years and the like: "nineteen ninety five", "twenty twenty four", "nineteen hundred".
            long hi = n / 100;
            long lo = n % 100;
            List<String> year = lo == 0 ? join(cardinal(hi), List.of("hundred"))
                    : lo < 10 ? join(cardinal(hi), List.of("oh"), cardinal(lo)) : join(cardinal(hi), cardinal(lo));
            out.add(year);
        }
        if (!grouped && (digits.length() >= 4 || digits.startsWith("0"))) {
            // Phone numbers, account numbers, codes: read digit by digit.
            out.add(digitWords(digits));
            List<String> oh = new ArrayList<>(digitWords(digits));
            oh.replaceAll(w -> w.equals("zero") ? "oh" : w);
            out.add(oh);
        }
        return out;
    }

    static List<String> cardinal(long n) {
        return cardinal(n, false);
    }

    /** Number words; {@code british} adds the "and" a British voice says ("one hundred and five"). */
    private static List<String> cardinal(long n, boolean british) {
        if (n == 0) {
            return List.of("zero");
        }
        List<String> words = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        long rest = n;
        while (rest > 0) {
            groups.add((int) (rest % 1000));
            rest /= 1000;
        }
        for (int g = groups.size() - 1; g >= 0; g--) {
            int group = groups.get(g);
            if (group == 0) {
                continue;
            }
            if (british && g == 0 && group < 100 && groups.size() > 1) {
                words.add("and");
            }
            words.addAll(belowThousand(group, british));
            if (g > 0) {
                words.add(SCALES[g]);
            }
        }
        return words;
    }

    private static List<String> belowThousand(int n, boolean and) {
        List<String> words = new ArrayList<>();
        if (n >= 100) {
            words.add(ONES[n / 100]);
            words.add("hundred");
            n %= 100;
            if (n > 0 && and) {
                words.add("and");
            }
        }
        if (n >= 20) {
            words.add(TENS[n / 10]);
            if (n % 10 > 0) {
                words.add(ONES[n % 10]);
            }
        } else if (n > 0) {
            words.add(ONES[n]);
        }
        return words;
    }

    private static List<String> ordinal(List<String> cardinal) {
        List<String> out = new ArrayList<>(cardinal);
        String last = out.remove(out.size() - 1);
        String ord;
        switch (last) {
            case "one": ord = "first"; break;
            case "two": ord = "second"; break;
            case "three": ord = "third"; break;
            case "five": ord = "fifth"; break;
            case "eight": ord = "eighth"; break;
            case "nine": ord = "ninth"; break;
            case "twelve": ord = "twelfth"; break;
            default: ord = last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        }
        out.add(ord);
        return out;
    }

    private static List<String> digitWords(String digits) {
        List<String> out = new ArrayList<>();
        for (char c : digits.toCharArray()) {
            out.add(ONES[c - '0']);
        }
        return out;
    }

    /** Lower case, no accents, no apostrophes: "Don't" and "dont", "Café" and "cafe" are one word. */
    static String plainWord(String word) {
        String decomposed = Normalizer.normalize(word, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static String digitsOnly(String s) {
        return s.replace(",", "");
    }

    private static long parse(String digits) {
        return digits.length() > 15 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return List.copyOf(out);
    }
}
