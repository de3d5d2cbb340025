package jcnn.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import jcnn.tensor.Tensor;
import jcnn.viz.ImageInput;

/**
 * The input of a POST request: an image (a raw {@code image/*} body, or {@code "image"} in JSON as a data URL or
 * base64) or {@code "pixels"} (C·H·W numbers), and the integer options {@code layer}, {@code channel},
 * {@code class} and the {@code fit} (auto, digit, stretch) from the JSON object or the query string. Everything
 * is checked here, and every fault is an {@link HttpError} with a message that says what to send instead.
 */
final class RequestInput {
    /** Images larger than this on either side are refused before they are decoded. */
    static final int MAX_IMAGE_SIDE = 2048;

    private final Map<String, Object> json;    // null for a raw image body
    private final Map<String, String> query;
    private final byte[] rawImage;              // null for JSON

    private RequestInput(Map<String, Object> json, Map<String, String> query, byte[] rawImage) {
        this.json = json;
        this.query = query;
        this.rawImage = rawImage;
    }

    /** Reads the body according to its content type. */
    static RequestInput of(String contentType, byte[] body, Map<String, String> query) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type.startsWith("image/") || type.equals("application/octet-stream")) {
            if (body.length == 0) throw new HttpError(400, "the request body is empty; send an image");
            return new RequestInput(null, query, body);
        }
        if (type.equals("application/json") || (type.isEmpty() && body.length > 0 && body[0] == '{')) {
            Object parsed;
            try {
                parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
            } catch (Json.ParseException e) {
                throw new HttpError(400, e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> m)) throw new HttpError(400, "the JSON body must be an object, e.g. {\"pixels\": [...]} or {\"image\": \"data:image/png;base64,...\"}");
            @SuppressWarnings("unchecked")
            Map<String, Object> obj = (Map<String, Object>) m;
            return new RequestInput(obj, query, null);
        }
        throw new HttpError(415, "unsupported Content-Type '" + (contentType == null ? "" : contentType)
                + "'; send application/json ({\"pixels\": [...]} or {\"image\": \"data:...\"}) or an image (image/png, image/jpeg, ...)");
    }

    /** The model input (1, C, H, W) in [0, 1]. */
    Tensor tensor(ModelService model) {
        ImageInput.Fit fit = fit(); // checked even when unused, so a typo is never silently ignored
        if (rawImage != null) return model.input(decode(rawImage), fit);
        Object pixels = json.get("pixels"), image = json.get("image");
        if (pixels != null && image != null) throw new HttpError(400, "give either \"pixels\" or \"image\", not both");
        if (pixels != null) {
            if (!(pixels instanceof List<?> list)) throw new HttpError(400, "\"pixels\" must be an array of numbers");
            float[] v = new float[list.size()];
            for (int i = 0; i < v.length; i++) {
                if (!(list.get(i) instanceof Double d)) throw new HttpError(400, "\"pixels\"[" + i + "] is not a number");
                v[i] = d.floatValue();
            }
            try {
                return model.input(v);
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
        }
        if (image != null) {
            if (!(image instanceof String s)) throw new HttpError(400, "\"image\" must be a string: a data URL (data:image/png;base64,...) or base64");
            return model.input(decode(base64(s)), fit);
        }
        throw new HttpError(400, "no input: give \"pixels\" (" + Tensor.shapeString(model.sampleShape())
                + ", values in [0, 1]) or \"image\" (a data URL), or send the image itself with Content-Type image/png");
    }

    /** An integer option from the JSON body or the query string; null when absent. */
    Integer integer(String name) {
        Object v = json == null ? null : json.get(name);
        if (v == null || v == Json.NULL) return queryInt(query, name);
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) return d.intValue();
        throw new HttpError(400, "\"" + name + "\" must be an integer, got " + Json.write(v));
    }

    /** A required integer option. */
    int requiredInteger(String name) {
        Integer v = integer(name);
        if (v == null) throw new HttpError(400, "missing \"" + name + "\" (an integer, in the JSON body or the query string)");
        return v;
    }

    ImageInput.Fit fit() {
        Object v = json == null ? null : json.get("fit");
        String s = v instanceof String str ? str : query.get("fit");
        if (v != null && !(v instanceof String)) throw new HttpError(400, "\"fit\" must be a string: auto, digit or stretch");
        if (s == null) return ImageInput.Fit.AUTO;
        try {
            return ImageInput.Fit.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "unknown fit '" + s + "'; use auto, digit or stretch");
        }
    }

    static Integer queryInt(Map<String, String> query, String name) {
        String s = query.get(name);
        if (s == null) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "query parameter '" + name + "' must be an integer, got '" + s + "'");
        }
    }

    private static byte[] base64(String s) {
        String data = s;
        if (s.startsWith("data:")) {
            int comma = s.indexOf(',');
            if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                throw new HttpError(400, "\"image\" is a data URL without base64 data; expected data:image/png;base64,...");
            }
            data = s.substring(comma + 1);
        }
        try {
            return Base64.getDecoder().decode(data.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "\"image\" is not valid base64: " + e.getMessage());
        }
    }

    /** Decodes an image, refusing non-images (415) and huge ones (413) before decoding the pixels. */
    static BufferedImage decode(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new HttpError(415, "the upload is not a PNG, JPEG, GIF or BMP image");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE) {
                    throw new HttpError(413, "the image is " + w + "x" + h + " pixels; at most " + MAX_IMAGE_SIDE + " on each side");
                }
                if (w < 1 || h < 1) throw new HttpError(400, "the image is empty");
                BufferedImage img = reader.read(0);
                if (img == null) throw new HttpError(415, "the image could not be decoded");
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof HttpError h) throw h;
            throw new HttpError(415, "the upload is not a readable image: " + e.getMessage());
        }
    }
}
