package jcnn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import jcnn.nn.Parameter;

/**
 * The catalogue of optimizers by name: the seeds' list (SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta,
 * Adam, RMSpropGraves, SMORMS3, AdaMax, Nadam, Eve, Santa-E, Santa-SSS, AMSGrad, AdaBound, AMSBound,
 * AdaBelief, SAM) plus AdamW.
 *
 * <p>Lookup ignores case and punctuation ("RMSprop" = "rms_prop" = "RMSProp", "Santa-E" = "santae"); "msgd"
 * is Momentum and "nag" is Nesterov. Every optimizer gets its paper's default hyper-parameters beyond the
 * learning rate; {@link #defaultLearningRate(String)} gives each one's default learning rate.
 */
public final class Optimizers {
    private Optimizers() {}

    private record Entry(String name, double defaultLr, BiFunction<List<Parameter>, Double, Optimizer> factory) {}

    private static final Map<String, Entry> BY_KEY = new LinkedHashMap<>();
    private static final List<String> NAMES = new ArrayList<>();

    static {
        add("SGD", 0.01, SGD::new);
        add("Momentum", 0.01, Momentum::new);
        add("Nesterov", 0.01, Nesterov::new);
        add("AdaGrad", 0.01, Adagrad::new);
        add("RMSprop", 0.01, RMSprop::new);
        add("AdaDelta", 1.0, Adadelta::new);
        add("Adam", 1e-3, Adam::new);
        add("RMSpropGraves", 1e-4, RMSpropGraves::new);
        add("SMORMS3", 1e-3, SMORMS3::new);
        add("AdaMax", 2e-3, Adamax::new);
        add("Nadam", 2e-3, NAdam::new);
        add("Eve", 1e-3, Eve::new);
        add("Santa-E", 1e-3, SantaE::new);
        add("Santa-SSS", 1e-3, SantaSSS::new);
        add("AMSGrad", 1e-3, AMSGrad::new);
        add("AdaBound", 1e-3, AdaBound::new);
        add("AMSBound", 1e-3, AMSBound::new);
        add("AdaBelief", 1e-3, AdaBelief::new);
        add("SAM", 0.1, SAM::new);
        add("AdamW", 1e-3, AdamW::new);
        alias("msgd", "Momentum");
        alias("nag", "Nesterov");
    }

    private static void add(String name, double lr, BiFunction<List<Parameter>, Double, Optimizer> factory) {
        BY_KEY.put(key(name), new Entry(name, lr, factory));
        NAMES.add(name);
    }

    private static void alias(String alias, String name) {
        BY_KEY.put(key(alias), BY_KEY.get(key(name)));
    }

    /** Lower case without anything but letters and digits. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** A new optimizer of the named kind with its default hyper-parameters and the learning rate {@code lr}. */
    public static Optimizer byName(String name, List<Parameter> params, double lr) {
        return entry(name).factory().apply(params, lr);
    }

    /** The default learning rate of the named optimizer (PyTorch's or the paper's; 0.01 for SGD). */
    public static double defaultLearningRate(String name) {
        return entry(name).defaultLr();
    }

    /** The catalogue names, in the seeds' order, then AdamW. */
    public static List<String> names() {
        return List.copyOf(NAMES);
    }

    private static Entry entry(String name) {
        Entry e = name == null ? null : BY_KEY.get(key(name));
        if (e == null) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + String.join(", ", NAMES)
                    + " (aliases: MSGD = Momentum, NAG = Nesterov)");
        }
        return e;
    }
}
