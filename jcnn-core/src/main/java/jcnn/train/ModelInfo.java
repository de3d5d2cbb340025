package jcnn.train;

import java.util.List;
import java.util.Map;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.tensor.Tensor;

/**
 * What a model file written by {@code jcnn train} (or the demo server) records besides the weights, in its info:
 * the input shape of one sample ({@code input-shape = 1, 28, 28}), the class names ({@code classes = 0,1,...})
 * and the normalisation the model was trained with ({@code normalize-mean}, {@code normalize-std}). One place
 * writes these keys ({@link #writeTo}) and one reads them ({@link #of}).
 *
 * @param sampleShape one input (C, H, W), or null when the file does not record it
 * @param classes     the class names, or null when not recorded
 * @param normalize   the normalisation, or null for none
 */
public record ModelInfo(int[] sampleShape, List<String> classes, Normalize normalize) {

    /**
     * Reads the info of {@code c}.
     *
     * @throws IllegalArgumentException naming the key when a value is malformed or only one of mean and std is given
     */
    public static ModelInfo of(ModelFile.Contents c) {
        String shape = c.info("input-shape"), names = c.info("classes");
        String mean = c.info("normalize-mean"), std = c.info("normalize-std");
        int[] s = shape == null ? null : ints(shape, "input-shape");
        Normalize norm = null;
        if (mean != null || std != null) {
            if (mean == null || std == null) throw new IllegalArgumentException("the model file records only one of normalize-mean and normalize-std");
            norm = Normalize.of(floats(mean, "normalize-mean"), floats(std, "normalize-std"));
        }
        return new ModelInfo(s, names == null ? null : List.of(names.split(",")), norm);
    }

    /** Puts the keys into a model file's info (the recorded parts only). */
    public void writeTo(Map<String, String> info) {
        if (sampleShape != null) info.put("input-shape", join(sampleShape));
        if (classes != null) info.put("classes", String.join(",", classes));
        if (normalize != null) {
            info.put("normalize-mean", join(normalize.mean()));
            info.put("normalize-std", join(normalize.std()));
        }
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(v[i]);
        return sb.toString();
    }

    /** Floats as {@link Float#toString} writes them, so that they read back exactly. */
    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(v[i]);
        return sb.toString();
    }

    /** {@code x} (1, C, H, W) in [0, 1] as the model takes it: normalised when the model was trained so. */
    public Tensor prepare(Tensor x) {
        return normalize == null ? x : normalize.apply(x);
    }

    private static int[] ints(String text, String key) {
        String[] parts = text.split(",");
        int[] v = new int[parts.length];
        try {
            for (int i = 0; i < v.length; i++) v[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed info '" + key + "': '" + text + "'");
        }
        return v;
    }

    private static float[] floats(String text, String key) {
        String[] parts = text.split(",");
        float[] v = new float[parts.length];
        try {
            for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed info '" + key + "': '" + text + "'");
        }
        return v;
    }
}
