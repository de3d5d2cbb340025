package jcnn.nn.activation;

import java.util.Arrays;

/**
 * The step (Heaviside) function of the perceptron (Rosenblatt 1958), the seeds' {@code step_function}:
 * <pre>
 *   y = 1  if x &gt; 0
 *   y = 0  if x &lt;= 0
 * </pre>
 * so {@code step(0) = 0}. NaN inputs give NaN.
 *
 * <p>Derivative: zero almost everywhere — 0 for every x ≠ 0, and undefined (a Dirac impulse) at x = 0, where
 * backward also returns 0. The input gradient is therefore identically zero and nothing before a step layer
 * learns by gradient descent; that is why networks trained by backpropagation replaced it with the sigmoid.
 * The layer is here for the perceptron examples and for completeness.
 */
public final class Step extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? 1f : v <= 0f ? 0f : v;
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        Arrays.fill(dx, from, to, 0f);
    }
}
