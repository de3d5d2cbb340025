package jcnn.train;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one epoch of training measured. Losses are means over the epoch's samples; accuracies are fractions in
 * [0, 1]; validation figures are NaN when there was no validation set. Model files keep the history as one
 * {@link #toLine() line} per epoch, e.g.
 * {@code epoch=3 trainLoss=0.0841 trainAccuracy=0.9741 valLoss=0.0912 valAccuracy=0.9720 lr=0.000812 seconds=4.21 imagesPerSecond=1900.5}.
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                         double learningRate, double seconds, double imagesPerSecond) {

    public boolean hasValidation() {
        return !Double.isNaN(valLoss);
    }

    /** The one-line form stored in model files. */
    public String toLine() {
        return String.format(Locale.ROOT,
                "epoch=%d trainLoss=%.6g trainAccuracy=%.6g valLoss=%.6g valAccuracy=%.6g lr=%.6g seconds=%.4g imagesPerSecond=%.6g",
                epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, learningRate, seconds, imagesPerSecond);
    }

    /** Parses {@link #toLine()}; unknown keys are ignored, missing ones are NaN (0 for the epoch). */
    public static EpochStats parse(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        if (!kv.containsKey("epoch")) throw new IllegalArgumentException("not an epoch line (no epoch=): " + line);
        try {
            return new EpochStats(Integer.parseInt(kv.get("epoch")), num(kv, "trainLoss"), num(kv, "trainAccuracy"),
                    num(kv, "valLoss"), num(kv, "valAccuracy"), num(kv, "lr"), num(kv, "seconds"), num(kv, "imagesPerSecond"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed epoch line: " + line, e);
        }
    }

    private static double num(Map<String, String> kv, String key) {
        String v = kv.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }
}
