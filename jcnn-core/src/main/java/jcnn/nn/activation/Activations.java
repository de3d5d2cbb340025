package jcnn.nn.activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import jcnn.nn.Architecture;
import jcnn.nn.Layer;
import jcnn.nn.ReLU;

/**
 * The catalogue of activation functions: look one up by name, or list them.
 * <pre>{@code
 * Layer act = Activations.byName("leaky_relu");   // LeakyReLU(), same as "Leaky ReLU" or "LeakyReLU"
 * }</pre>
 * Names ignore case and everything but letters and digits, so "Leaky ReLU", "leaky_relu" and "LeakyReLU" are one
 * name. Besides the class names there are aliases: "linear" (Identity), "silu" (Swish), "logistic" (Sigmoid),
 * "heaviside" and "binary step" (Step), "lrelu" (LeakyReLU).
 *
 * <p>{@link #registerLayerTypes()} also makes every activation known to {@link Architecture}, so that their
 * {@code toString()}s ("LeakyReLU(negativeSlope=0.2)", "GELU(approximate='tanh')", "AconC(16)") parse back into
 * layers, in model files too.
 */
public final class Activations {
    /** How to build one activation from a parsed spec (options by name or, in PyTorch's order, by position). */
    private record Entry(String name, Function<Architecture.Spec, Layer> factory) {}

    /** By normalised name and alias, in catalogue order. */
    private static final Map<String, Entry> BY_KEY = new LinkedHashMap<>();
    private static final List<String> NAMES = new ArrayList<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        add("Step", s -> new Step(), "heaviside", "binary step");
        add("Identity", s -> new Identity(), "linear");
        add("BentIdentity", s -> new BentIdentity());
        add("HardShrink", s -> new HardShrink(number(s, 0, "lambd", 0.5)));
        add("SoftShrink", s -> new SoftShrink(number(s, 0, "lambd", 0.5)));
        add("Threshold", s -> new Threshold(number(s, 0, "threshold", 0), number(s, 1, "value", 0)));
        add("Sigmoid", s -> new Sigmoid(), "logistic");
        add("HardSigmoid", s -> new HardSigmoid());
        add("LogSigmoid", s -> new LogSigmoid());
        add("Tanh", s -> new Tanh());
        add("TanhShrink", s -> new TanhShrink());
        add("HardTanh", s -> new HardTanh(number(s, 0, "minVal", -1), number(s, 1, "maxVal", 1)));
        add("ReLU", s -> new ReLU());
        add("ReLU6", s -> new ReLU6());
        add("LeakyReLU", s -> new LeakyReLU(number(s, 0, "negativeSlope", 0.01)), "lrelu");
        add("ELU", s -> new ELU(number(s, 0, "alpha", 1)));
        add("SELU", s -> new SELU());
        add("CELU", s -> new CELU(number(s, 0, "alpha", 1)));
        add("Softmax", s -> dimOne(s, new Softmax()));
        add("Softmin", s -> dimOne(s, new Softmin()));
        add("LogSoftmax", s -> dimOne(s, new LogSoftmax()));
        add("Softplus", s -> new Softplus(number(s, 0, "beta", 1), number(s, 1, "threshold", 20)));
        add("Softsign", s -> new Softsign());
        add("Swish", s -> new Swish(number(s, 0, "beta", 1)), "silu");
        add("Mish", s -> new Mish());
        add("TanhExp", s -> new TanhExp());
        add("GELU", s -> new GELU(text(s, 0, "approximate", "none")));
        add("AconC", s -> new AconC(s.intArg(0, "numChannels")));
    }

    private Activations() {}

    /** The activations' names, in catalogue order (the seed author's list, then GELU and AconC). */
    public static List<String> names() {
        return List.copyOf(NAMES);
    }

    /**
     * A new layer of the named activation with its default options. Throws IllegalArgumentException for an
     * unknown name (the message lists the known ones) and for AconC, which needs its channel count
     * ({@code new AconC(channels)}).
     */
    public static Layer byName(String name) {
        Entry e = BY_KEY.get(key(name));
        if (e == null) {
            StringBuilder aliases = new StringBuilder();
            ALIASES.forEach((alias, target) -> aliases.append(aliases.isEmpty() ? "" : ", ").append(alias)
                    .append(" = ").append(target));
            throw new IllegalArgumentException("unknown activation '" + name + "'; known: " + String.join(", ", NAMES)
                    + " (aliases: " + aliases + ")");
        }
        try {
            return e.factory().apply(new Architecture.Spec(e.name(), List.of(), Map.of()));
        } catch (IllegalArgumentException missing) {
            throw new IllegalArgumentException("activation '" + name + "' has no default: " + missing.getMessage()
                    + "; construct it directly, e.g. new " + e.name() + "(16)", missing);
        }
    }

    /**
     * A new layer of the named activation for {@code channels} channels: the same as {@link #byName(String)},
     * except that activations with per-channel parameters (AconC) are made for that many channels.
     */
    public static Layer byName(String name, int channels) {
        Entry e = BY_KEY.get(key(name));
        if (e != null && e.name().equals("AconC")) return new AconC(channels);
        return byName(name);
    }

    /**
     * Registers every activation with {@link Architecture} under its class name, with its options as in its
     * {@code toString()}; types already registered (ReLU) are left as they are. Safe to call more than once.
     */
    public static synchronized void registerLayerTypes() {
        var known = Architecture.types();
        for (String name : NAMES) {
            if (!known.contains(name)) Architecture.register(name, BY_KEY.get(key(name)).factory());
        }
    }

    /** Lower case, letters and digits only: "Leaky ReLU" and "leaky_relu" both become "leakyrelu". */
    static String key(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static void add(String name, Function<Architecture.Spec, Layer> factory, String... aliases) {
        Entry e = new Entry(name, factory);
        NAMES.add(name);
        BY_KEY.put(key(name), e);
        for (String alias : aliases) {
            BY_KEY.put(key(alias), e);
            ALIASES.put(alias, name);
        }
    }

    /** Option {@code key}, else positional argument {@code position}, else {@code fallback}. */
    private static double number(Architecture.Spec s, int position, String key, double fallback) {
        Object v = s.has(key) ? s.get(key) : position < s.args().size() ? s.required(position, key) : null;
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(key + " must be a number, got " + v);
    }

    private static String text(Architecture.Spec s, int position, String key, String fallback) {
        Object v = s.has(key) ? s.get(key) : position < s.args().size() ? s.required(position, key) : null;
        if (v == null) return fallback;
        if (v instanceof String str) return str;
        throw new IllegalArgumentException(key + " must be a quoted string, got " + v);
    }

    /** The softmax family works along dim 1 only; accepts {@code dim=1} as PyTorch's repr writes it. */
    private static Layer dimOne(Architecture.Spec s, Layer layer) {
        Object dim = s.has("dim") ? s.get("dim") : s.args().isEmpty() ? null : s.required(0, "dim");
        if (dim != null && !Integer.valueOf(1).equals(dim)) {
            throw new IllegalArgumentException(layer + " works along dim 1 only, got dim=" + dim);
        }
        return layer;
    }
}
