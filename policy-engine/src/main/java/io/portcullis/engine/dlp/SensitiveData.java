package io.portcullis.engine.dlp;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds sensitive data in response values (DLP): payment card numbers (Luhn-checked, by brand), US
 * social security numbers, IBANs (mod-97-checked), secrets (private keys, cloud and API keys,
 * tokens), e-mail addresses and phone numbers. Checks are cheap before they are exact: a value is
 * only matched against a kind's pattern when it holds the characters that kind needs.
 */
public final class SensitiveData {

    /** The kinds rules name: {@code hasData("CARD")}. */
    public enum Kind { CARD, US_SSN, IBAN, SECRET, EMAIL, PHONE }

    /**
     * One piece of sensitive data in a value.
     *
     * @param kind    what it is
     * @param pointer where the value is in the body ({@code /cardNumber})
     * @param label   the card's brand, the secret's type, or empty; never the data itself
     */
    public record Found(Kind kind, String pointer, String label) {
    }

    /** Values longer than this are searched only in their first part, so one huge value stays cheap. */
    public static final int SEARCHED_CHARS = 64 * 1024;

    // Every repetition is bounded or possessive: values are the upstream's, and a crafted stored
    // value must not make one search cost seconds (ReDoS).
    private static final Pattern CARD = Pattern.compile("(?<![\\d.-])(?:\\d[ .-]?){12,18}\\d(?![\\d-])");
    // Also digits written full-width, and between them two spaces, NBSP, an underscore, a slash or
    // a typographic dash: twice the cost, so searched only in text that holds one of those.
    private static final Pattern CARD_WRITTEN_OTHERWISE = Pattern.compile(
            "(?<![0-9\\uFF10-\\uFF19.\\-\\u2010-\\u2014])"
                    + "(?:[0-9\\uFF10-\\uFF19][ \\u00A0._/\\-\\u2010-\\u2014]?+[ \\u00A0]?+){12,18}[0-9\\uFF10-\\uFF19]"
                    + "(?![0-9\\uFF10-\\uFF19\\-\\u2010-\\u2014])");
    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])");
    private static final Pattern IBAN = Pattern.compile("(?<![A-Z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Z0-9])");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,4}\\)?){2,5}(?![\\w])");
    private static final Map<String, Pattern> SECRETS = Map.of(
            "private key", Pattern.compile("-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
            "AWS access key", Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
            "JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{8,8192}+\\.eyJ[A-Za-z0-9_-]{8,8192}+\\.[A-Za-z0-9_-]{8,8192}+"),
            "API key", Pattern.compile("(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,256}+"),
            "GitHub token", Pattern.compile("(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,255}+"),
            "Slack token", Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,255}+"));

    private SensitiveData() {
    }

    /** Everything sensitive in a body's values (by pointer, as the adapters flatten them). */
    public static List<Found> scan(Map<String, Object> values) {
        List<Found> found = new ArrayList<>();
        values.forEach((pointer, value) -> {
            if (value instanceof String text) {
                scan(pointer, text.length() > SEARCHED_CHARS ? text.substring(0, SEARCHED_CHARS) : text, found);
            } else if (value instanceof Number number) {
                scan(pointer, number.toString(), found);
            }
        });
        return found;
    }

    private static void scan(String pointer, String text, List<Found> found) {
        if (text.length() < 6) {
            return;
        }
        int digits = 0;
        boolean at = false;
        boolean plus = false;
        boolean writtenOtherwise = false;
        char previous = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c >= '\uFF10' && c <= '\uFF19') {
                digits++;
                writtenOtherwise = true;
            } else if (c == '_' || c == '/' || c == '\u00A0' || (c >= '\u2010' && c <= '\u2014') || (c == ' ' && previous == ' ')) {
                writtenOtherwise = true;
            } else if (c == '@') {
                at = true;
            } else if (c == '+') {
                plus = true;
            }
            previous = c;
        }
        if (digits >= 13) {
            Matcher card = (writtenOtherwise ? CARD_WRITTEN_OTHERWISE : CARD).matcher(text);
            while (card.find()) {
                String number = digitsOnly(card.group());
                String brand = brand(number);
                if (brand != null && luhn(number)) {
                    found.add(new Found(Kind.CARD, pointer, brand));
                    break;
                }
            }
        }
        if (digits >= 9 && SSN.matcher(text).find()) {
            found.add(new Found(Kind.US_SSN, pointer, ""));
        }
        if (digits >= 4) {
            Matcher iban = IBAN.matcher(text);
            while (iban.find()) {
                if (ibanValid(iban.group().replace(" ", ""))) {
                    found.add(new Found(Kind.IBAN, pointer, iban.group().substring(0, 2)));
                    break;
                }
            }
        }
        if (at && EMAIL.matcher(text).find()) {
            found.add(new Found(Kind.EMAIL, pointer, ""));
        }
        if (plus && digits >= 8) {
            Matcher phone = PHONE.matcher(text);
            while (phone.find()) {
                long count = phone.group().chars().filter(Character::isDigit).count();
                if (count >= 8 && count <= 15) {
                    found.add(new Found(Kind.PHONE, pointer, ""));
                    break;
                }
            }
        }
        if (text.length() >= 20) {
            for (Map.Entry<String, Pattern> secret : SECRETS.entrySet()) {
                if (secret.getValue().matcher(text).find()) {
                    found.add(new Found(Kind.SECRET, pointer, secret.getKey()));
                    break;
                }
            }
        }
    }

    /**
     * The text with every piece of data of that kind masked: cards and IBANs keep their last four
     * characters, SSNs theirs, e-mail addresses their first letter and domain; secrets go entirely.
     */
    public static String mask(Kind kind, String text) {
        return switch (kind) {
            case CARD -> replace(CARD_WRITTEN_OTHERWISE, text, match -> {
                String number = digitsOnly(match);
                return brand(number) != null && luhn(number) ? "**** **** **** " + number.substring(number.length() - 4) : match;
            });
            case US_SSN -> replace(SSN, text, match -> "***-**-" + match.substring(match.length() - 4));
            case IBAN -> replace(IBAN, text, match -> {
                String iban = match.replace(" ", "");
                return ibanValid(iban) ? iban.substring(0, 2) + "** **** " + iban.substring(iban.length() - 4) : match;
            });
            case EMAIL -> replace(EMAIL, text, match -> match.charAt(0) + "***" + match.substring(match.indexOf('@')));
            case PHONE -> replace(PHONE, text, match -> "+** *** *** " + match.substring(Math.max(0, match.length() - 2)));
            case SECRET -> {
                String masked = text;
                for (Pattern secret : SECRETS.values()) {
                    masked = replace(secret, masked, match -> "[secret removed]");
                }
                yield masked.contains("-----BEGIN") ? "[secret removed]" : masked;
            }
        };
    }

    private static String replace(Pattern pattern, String text, java.util.function.UnaryOperator<String> masking) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(masking.apply(matcher.group())));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static boolean luhn(String number) {
        int sum = 0;
        boolean twice = false;
        for (int i = number.length() - 1; i >= 0; i--) {
            int digit = number.charAt(i) - '0';
            if (twice) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** The card brand by issuer prefix and length, or null when no brand issues such a number. */
    private static final java.util.Set<Integer> MAESTRO_PREFIXES = java.util.Set.of(5018, 5020, 5038, 5893, 6304, 6759,
            6761, 6762, 6763);

    /** A card number as written ("4111 1111-1111.1111") without its separators. */
    private static String digitsOnly(String written) {
        StringBuilder digits = new StringBuilder(written.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c >= '\uFF10' && c <= '\uFF19') {
                digits.append((char) ('0' + (c - '\uFF10')));
            } else if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    static String brand(String number) {
        int length = number.length();
        int two = Integer.parseInt(number.substring(0, 2));
        int four = Integer.parseInt(number.substring(0, 4));
        if (number.charAt(0) == '4' && (length == 13 || length == 16 || length == 19)) {
            return "Visa";
        }
        if ((two >= 51 && two <= 55 || four >= 2221 && four <= 2720) && length == 16) {
            return "Mastercard";
        }
        if ((two == 34 || two == 37) && length == 15) {
            return "American Express";
        }
        if ((four == 6011 || two == 65 || four / 10 >= 644 && four / 10 <= 649) && length >= 16) {
            return "Discover";
        }
        if (four >= 3528 && four <= 3589 && length >= 16) {
            return "JCB";
        }
        if ((two == 36 || two == 38 || four / 10 >= 300 && four / 10 <= 305) && length >= 14) {
            return "Diners Club";
        }
        if (four >= 2200 && four <= 2204 && length >= 16) {
            return "Mir";
        }
        if (two == 62 && length >= 16) {
            return "UnionPay";
        }
        if (MAESTRO_PREFIXES.contains(four) && length >= 12) {
            return "Maestro";
        }
        return null;
    }

    static boolean ibanValid(String iban) {
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder digits = new StringBuilder(rearranged.length() * 2);
        for (char c : rearranged.toUpperCase(Locale.ROOT).toCharArray()) {
            if (Character.isDigit(c)) {
                digits.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                digits.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
