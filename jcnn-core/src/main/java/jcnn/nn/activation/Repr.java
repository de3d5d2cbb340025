package jcnn.nn.activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an activation's {@code toString()}: PyTorch's repr with camelCase option names, showing only the options
 * that differ from their defaults, e.g. {@code LeakyReLU(negativeSlope=0.2)}. Numbers print as Python prints them
 * ({@code 0.2}, {@code 2.0}, {@code 1e-05}), so the text also parses back with {@code jcnn.nn.Architecture}.
 */
final class Repr {
    private final String type;
    private final List<String> parts = new ArrayList<>();

    private Repr(String type) {
        this.type = type;
    }

    static Repr of(String type) {
        return new Repr(type);
    }

    /** Adds {@code key=value} unless {@code value} equals {@code fallback}. */
    Repr option(String key, float value, float fallback) {
        if (Float.compare(value, fallback) != 0) parts.add(key + "=" + number(value));
        return this;
    }

    /** Adds {@code key=value} always (for options PyTorch requires). */
    Repr always(String key, float value) {
        parts.add(key + "=" + number(value));
        return this;
    }

    /** Adds {@code key='value'} unless {@code value} equals {@code fallback}. */
    Repr option(String key, String value, String fallback) {
        if (!value.equals(fallback)) parts.add(key + "='" + value + "'");
        return this;
    }

    /** Adds a positional argument. */
    Repr arg(Object value) {
        parts.add(String.valueOf(value));
        return this;
    }

    @Override
    public String toString() {
        return type + "(" + String.join(", ", parts) + ")";
    }

    /** The shortest decimal that reads back as {@code v}, in Python's spelling ("1e-05" rather than "1.0E-5"). */
    static String number(float v) {
        String s = Float.toString(v);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
