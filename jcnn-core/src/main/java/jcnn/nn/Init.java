package jcnn.nn;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Weight initialisation schemes. Each fills a {@link Parameter} from a {@link RandomGenerator}, so the same seed
 * gives the same weights bit for bit. Biases are set to zero except by {@link #pytorchDefault()}.
 *
 * <p>Schemes (n_in = fan-in, n_out = fan-out):
 * <ul>
 *   <li>{@link #heNormal()}: N(0, 2/n_in) — He et al. 2015, "Delving Deep into Rectifiers", for ReLU nets.</li>
 *   <li>{@link #heUniform()}: U(±√(6/n_in)).</li>
 *   <li>{@link #xavierNormal()}: N(0, 2/(n_in + n_out)) — Glorot &amp; Bengio 2010.</li>
 *   <li>{@link #xavierUniform()}: U(±√(6/(n_in + n_out))).</li>
 *   <li>{@link #lecunNormal()}: N(0, 1/n_in) — LeCun et al. 1998, "Efficient BackProp"; SELU's choice.</li>
 *   <li>{@link #lecunUniform()}: U(±√(3/n_in)).</li>
 *   <li>{@link #normal(double)}: N(0, std²) — the book's {@code weight_init_std = 0.01}.</li>
 *   <li>{@link #pytorchDefault()}: U(±1/√n_in) for weights and biases, what PyTorch's Conv and Linear do on
 *       construction (kaiming_uniform with a = √5). Layers start out this way.</li>
 * </ul>
 */
@FunctionalInterface
public interface Init {

    /** Fills {@code p.value()}. */
    void apply(Parameter p, RandomGenerator rng);

    static Init heNormal() {
        return weights((p, rng) -> normalFill(p, Math.sqrt(2.0 / p.fanIn()), rng), "heNormal");
    }

    static Init heUniform() {
        return weights((p, rng) -> uniformFill(p, Math.sqrt(6.0 / p.fanIn()), rng), "heUniform");
    }

    static Init xavierNormal() {
        return weights((p, rng) -> normalFill(p, Math.sqrt(2.0 / (p.fanIn() + p.fanOut())), rng), "xavierNormal");
    }

    static Init xavierUniform() {
        return weights((p, rng) -> uniformFill(p, Math.sqrt(6.0 / (p.fanIn() + p.fanOut())), rng), "xavierUniform");
    }

    static Init lecunNormal() {
        return weights((p, rng) -> normalFill(p, Math.sqrt(1.0 / p.fanIn()), rng), "lecunNormal");
    }

    static Init lecunUniform() {
        return weights((p, rng) -> uniformFill(p, Math.sqrt(3.0 / p.fanIn()), rng), "lecunUniform");
    }

    /** N(0, std²) for weights, zero biases: the book's fixed {@code weight_init_std}. */
    static Init normal(double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        return weights((p, rng) -> normalFill(p, std, rng), "normal(" + std + ")");
    }

    /** PyTorch's default for Conv and Linear: U(±1/√fanIn) for weights and biases alike. */
    static Init pytorchDefault() {
        return new Named((p, rng) -> {
            if (p.kind() == Parameter.Kind.OTHER) return;
            uniformFill(p, 1.0 / Math.sqrt(Math.max(1, p.fanIn())), rng);
        }, "pytorchDefault");
    }

    /**
     * Looks a scheme up by name, ignoring case and punctuation: "he", "he_normal", "He-Uniform", "xavier",
     * "glorot_uniform", "lecun", "pytorch", or "normal:0.01".
     */
    static Init byName(String name) {
        String key = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.:]", "");
        if (key.startsWith("normal:") || key.startsWith("std:")) {
            return normal(Double.parseDouble(key.substring(key.indexOf(':') + 1)));
        }
        return switch (key) {
            case "he", "henormal", "kaiming", "kaimingnormal" -> heNormal();
            case "heuniform", "kaiminguniform" -> heUniform();
            case "xavier", "xaviernormal", "glorot", "glorotnormal" -> xavierNormal();
            case "xavieruniform", "glorotuniform" -> xavierUniform();
            case "lecun", "lecunnormal" -> lecunNormal();
            case "lecununiform" -> lecunUniform();
            case "pytorch", "pytorchdefault", "default" -> pytorchDefault();
            default -> throw new IllegalArgumentException("unknown initialisation '" + name + "'; known: he, heUniform, "
                    + "xavier, xavierUniform, lecun, lecunUniform, pytorch, normal:STD");
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // The generator layers draw from on construction, like torch.manual_seed's global generator.
    // ---------------------------------------------------------------------------------------------------

    /** Reseeds the generator that newly constructed layers draw their initial weights from. */
    static void manualSeed(long seed) {
        Global.rng = new SplittableRandom(seed);
    }

    /** The generator newly constructed layers draw their initial weights from (seed 0 until reseeded). */
    static RandomGenerator globalGenerator() {
        return Global.rng;
    }

    // ---------------------------------------------------------------------------------------------------

    private static Init weights(Init weightFill, String name) {
        return new Named((p, rng) -> {
            switch (p.kind()) {
                case WEIGHT -> weightFill.apply(p, rng);
                case BIAS -> p.value().fill(0f);
                case OTHER -> { }
            }
        }, name);
    }

    private static void normalFill(Parameter p, double std, RandomGenerator rng) {
        float[] d = p.value().data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * std);
    }

    private static void uniformFill(Parameter p, double bound, RandomGenerator rng) {
        float[] d = p.value().data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }

    /** An Init with a readable toString. */
    record Named(Init body, String name) implements Init {
        @Override
        public void apply(Parameter p, RandomGenerator rng) {
            body.apply(p, rng);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Holder of the global generator (interfaces cannot have mutable static fields of their own). */
    final class Global {
        private static RandomGenerator rng = new SplittableRandom(0);

        private Global() {}
    }
}
