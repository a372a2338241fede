package io.portcullis.engine.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Something the enforcing adapter must do for a permitted request or response to go through.
 * Sealed so that an adapter meets every kind at compile time; an adapter that cannot fulfil one
 * denies instead of letting the message pass unchanged.
 */
public sealed interface Obligation permits Obligation.AddHeader, Obligation.RemoveHeader, Obligation.RedactField,
        Obligation.MaskData, Obligation.MaskValue, Obligation.RateLimit {

    /** A stable, human-readable form used in fixtures and audit events. */
    String describe();

    /**
     * This obligation for a whole message when a rule found it on the part of the body at
     * {@code bodyPointer} (a response view): body fields are re-addressed, headers stay as they are.
     */
    default Obligation within(String bodyPointer) {
        return this;
    }

    static Obligation addHeader(String name, String value) {
        return new AddHeader(name, value);
    }

    static Obligation removeHeader(String name) {
        return new RemoveHeader(name);
    }

    static Obligation redactField(String jsonPointer) {
        return new RedactField(jsonPointer);
    }

    /** Mask every piece of sensitive data of a kind the response holds ({@code maskData("CARD")}). */
    static Obligation maskData(String kind) {
        return new MaskData(io.portcullis.engine.dlp.SensitiveData.Kind.valueOf(kind));
    }

    /**
     * Count the call against a quota: {@code capacity} calls per {@code period} (ISO-8601:
     * {@code PT1M}, {@code P1D}), refilled evenly. When the shared store of a cluster is down, a quota
     * refuses (fails closed) unless the configuration says otherwise.
     */
    static RateLimit quota(String name, String key, long capacity, String period) {
        return new RateLimit(name, key, capacity, java.time.Duration.parse(period), 1, true);
    }

    /** Count the call against a spike arrest: at most {@code perSecond} calls in any second, with no burst beyond. */
    static RateLimit spikeArrest(String name, String key, long perSecond) {
        return new RateLimit(name, key, perSecond, java.time.Duration.ofSeconds(1), 1, false);
    }

    /** Set a header on the message (replacing any value it had). */
    record AddHeader(String name, String value) implements Obligation {
        public AddHeader {
            name = HeaderNames.requireValid(name);
            Objects.requireNonNull(value, "value");
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header value must not contain CR or LF");
            }
        }

        @Override
        public String describe() {
            return "add-header " + name + ": " + value;
        }
    }

    /** Remove a header from the message. */
    record RemoveHeader(String name) implements Obligation {
        public RemoveHeader {
            name = HeaderNames.requireValid(name);
        }

        @Override
        public String describe() {
            return "remove-header " + name;
        }
    }

    /**
     * Remove the body field at a JSON pointer ({@code /nationalId}, {@code /items/0/card}).
     *
     * @param pointer the field in the whole body
     * @param within  where the part of the body the rule judged sits ({@code /1/data/customer} for a
     *                GraphQL response view; empty for the whole body): the rule's own pointer is
     *                what follows it
     */
    record RedactField(String pointer, String within) implements Obligation {
        public RedactField {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(within, "within");
            if (!pointer.startsWith(within + "/") || pointer.length() < within.length() + 2) {
                throw new IllegalArgumentException("a field to redact is a JSON pointer such as /nationalId");
            }
        }

        public RedactField(String pointer) {
            this(pointer, "");
        }

        /** The pointer as the rule wrote it, relative to the part it judged. */
        public String rulePointer() {
            return pointer.substring(within.length());
        }

        @Override
        public String describe() {
            return "redact-field " + pointer;
        }

        @Override
        public Obligation within(String bodyPointer) {
            return bodyPointer.isEmpty() ? this : new RedactField(bodyPointer + pointer, bodyPointer + within);
        }
    }

    /**
     * A rule's demand that a kind of sensitive data be masked wherever the response holds it; the
     * gateway turns it into one {@link MaskValue} per value found.
     */
    record MaskData(io.portcullis.engine.dlp.SensitiveData.Kind kind) implements Obligation {
        public MaskData {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public String describe() {
            return "mask-data " + kind;
        }
    }

    /** Mask the sensitive data of a kind in the value at a JSON pointer: what is audited, never the value. */
    record MaskValue(String pointer, io.portcullis.engine.dlp.SensitiveData.Kind kind) implements Obligation {
        public MaskValue {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public String describe() {
            return "mask " + kind + " at " + pointer;
        }

        @Override
        public Obligation within(String bodyPointer) {
            return bodyPointer.isEmpty() ? this : new MaskValue(bodyPointer + pointer, kind);
        }
    }

    /**
     * A token bucket the call must take tokens from before it goes upstream: {@code capacity} tokens,
     * refilled evenly over {@code period}. The gateway enforces it (429 with {@code Retry-After} and
     * {@code RateLimit-*} headers when the bucket is empty); adapters never see it.
     *
     * @param name  the limit, as headers and the audit show it ({@code api-per-minute})
     * @param key   whose bucket ({@code subject:alice}, {@code address:203.0.113.7}; see {@code ApiRequest.callerKey()})
     * @param cost  tokens this call takes (a GraphQL query's cost; 1 for a call)
     * @param quota whether it fails closed when the cluster's store is down (a quota) or falls back to
     *              a local bucket (a spike arrest)
     */
    record RateLimit(String name, String key, long capacity, java.time.Duration period, long cost, boolean quota)
            implements Obligation {
        public RateLimit {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(period, "period");
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                throw new IllegalArgumentException("a rate limit's name is letters, digits, '-' and '_': " + name);
            }
            if (capacity < 1 || period.isNegative() || period.isZero() || cost < 1) {
                throw new IllegalArgumentException("a rate limit needs a capacity of at least 1, a positive period and a cost of at least 1");
            }
        }

        /** The same limit, taking {@code tokens} for this call (at least 1). */
        public RateLimit withCost(long tokens) {
            return new RateLimit(name, key, capacity, period, Math.max(1, tokens), quota);
        }

        @Override
        public String describe() {
            return "rate-limit " + name + " " + capacity + "/" + period + (cost == 1 ? "" : " cost " + cost)
                    + (quota ? " quota" : " spike-arrest");
        }
    }

    /** Header-name validation shared by the header obligations. */
    final class HeaderNames {
        private HeaderNames() {
        }

        static String requireValid(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || !name.chars().allMatch(HeaderNames::isTokenChar)) {
                throw new IllegalArgumentException("not a valid HTTP header name: " + name);
            }
            return name.toLowerCase(Locale.ROOT);
        }

        private static boolean isTokenChar(int c) {
            return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }
    }
}
