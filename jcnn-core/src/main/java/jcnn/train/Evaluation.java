package jcnn.train;

import java.util.Locale;

/**
 * A model's results on a data set: mean loss, accuracy, and the confusion matrix ({@code confusion[true][predicted]}
 * counts), from which per-class accuracy (recall) follows.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion) {

    public int classes() {
        return confusion.length;
    }

    /** Samples evaluated. */
    public int count() {
        int n = 0;
        for (int[] row : confusion) for (int v : row) n += v;
        return n;
    }

    /** The fraction of class c's samples predicted as c (NaN when the class has no samples). */
    public double classAccuracy(int c) {
        int total = 0;
        for (int v : confusion[c]) total += v;
        return total == 0 ? Double.NaN : (double) confusion[c][c] / total;
    }

    /** A readable report: loss, accuracy, per-class accuracy and the confusion matrix. */
    public String report(java.util.List<String> classNames) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "samples %d, loss %.4f, accuracy %.2f%%%n", count(), loss, 100 * accuracy));
        int w = 5;
        for (int c = 0; c < classes(); c++) w = Math.max(w, name(classNames, c).length());
        sb.append("per class:\n");
        for (int c = 0; c < classes(); c++) {
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s %6.2f%%%n", name(classNames, c), 100 * classAccuracy(c)));
        }
        sb.append("confusion (rows: true class, columns: predicted):\n").append(" ".repeat(w + 2));
        for (int c = 0; c < classes(); c++) sb.append(String.format("%6d", c));
        sb.append('\n');
        for (int t = 0; t < classes(); t++) {
            sb.append(String.format("  %-" + w + "s", name(classNames, t)));
            for (int p = 0; p < classes(); p++) sb.append(String.format("%6d", confusion[t][p]));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String name(java.util.List<String> names, int c) {
        return names != null && c < names.size() ? names.get(c) : Integer.toString(c);
    }
}
