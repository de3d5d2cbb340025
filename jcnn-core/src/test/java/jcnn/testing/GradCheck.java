package jcnn.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import jcnn.nn.Layer;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;

/**
 * Finite-difference gradient checks. For a layer f and a fixed random "upstream gradient" G, the scalar
 * L(x, θ) = Σ f(x; θ)·G (accumulated in double) has dL/dx = backward(G) and dL/dθ = θ.grad. Each entry of the
 * analytic gradients is compared with the central difference (L(v + h) - L(v - h)) / 2h.
 *
 * <p>The error measure is |numeric - analytic| / (max |analytic| over the tensor), so a tolerance of 1e-2
 * means "within 1% of the gradient's scale" — tight enough that any indexing mistake (a wrong tap, a
 * misplaced stride, a missing overlap) fails by orders of magnitude.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Checks the input gradient and every parameter's gradient of {@code layer} at {@code x}. */
    public static void check(Layer layer, Tensor x, double eps, double tol) {
        Tensor out = layer.forward(x, true);
        Tensor g = Tensors.random(12345, out.shape());
        Tensor dx = layer.backward(g);
        assertNotNull(dx, layer + ": backward returned no input gradient");
        dx = dx.copy();
        Tensor[] grads = layer.parameters().stream().map(p -> p.grad().copy()).toArray(Tensor[]::new);

        Function<Void, Double> loss = v -> layer.forward(x, true).dot(g);
        compare(layer + " input", x, dx, loss, eps, tol);
        int i = 0;
        for (Parameter p : layer.parameters()) {
            compare(layer + " " + p.name(), p.value(), grads[i++], loss, eps, tol);
        }
    }

    /** Compares the analytic gradient {@code analytic} of {@code loss} with respect to {@code variable}. */
    public static void compare(String what, Tensor variable, Tensor analytic, Function<Void, Double> loss,
                               double eps, double tol) {
        float[] v = variable.data();
        float[] a = analytic.data();
        double scale = Tensors.maxAbs(a);
        double worst = 0;
        int worstAt = -1;
        double worstNumeric = 0;
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            v[i] = (float) (saved + eps);
            double plus = loss.apply(null);
            v[i] = (float) (saved - eps);
            double minus = loss.apply(null);
            v[i] = saved;
            double numeric = (plus - minus) / (2 * eps);
            double err = Math.abs(numeric - a[i]) / scale;
            if (err > worst) {
                worst = err;
                worstAt = i;
                worstNumeric = numeric;
            }
        }
        if (!(worst <= tol)) {
            fail(what + ": gradient mismatch at element " + worstAt + ": numeric " + worstNumeric + " vs analytic "
                    + a[worstAt] + " (relative to scale " + scale + ": " + worst + " > " + tol + ")");
        }
    }
}
