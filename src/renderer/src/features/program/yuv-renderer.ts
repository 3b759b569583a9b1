// Draws I420 monitor frames (shared/monitor-frame.ts) on a canvas: WebGL with the three planes
// as single-channel textures and the BT.709 limited-range YUV→RGB sum in the fragment shader,
// so the CPU only uploads 1.5 bytes a pixel; a 2D canvas with the same sum in JS when WebGL is
// not there (e.g. software-only, GPU blocklisted).
import { i420ToRgba } from '../../../../shared/monitor-frame.ts';

export interface YuvRenderer {
  readonly kind: 'webgl' | '2d';
  draw(i420: Uint8Array, width: number, height: number): void;
  dispose(): void;
}

const VERTEX = `attribute vec2 position;
varying vec2 uv;
void main() {
  uv = vec2((position.x + 1.0) * 0.5, (1.0 - position.y) * 0.5);
  gl_Position = vec4(position, 0.0, 1.0);
}`;

// BT.709 limited range (the inverse of the compositor's color.ts).
const FRAGMENT = `precision mediump float;
varying vec2 uv;
uniform sampler2D planeY;
uniform sampler2D planeU;
uniform sampler2D planeV;
void main() {
  float y = 1.164383 * (texture2D(planeY, uv).r * 255.0 - 16.0);
  float u = texture2D(planeU, uv).r * 255.0 - 128.0;
  float v = texture2D(planeV, uv).r * 255.0 - 128.0;
  gl_FragColor = vec4(
    clamp((y + 1.792741 * v) / 255.0, 0.0, 1.0),
    clamp((y - 0.213249 * u - 0.532909 * v) / 255.0, 0.0, 1.0),
    clamp((y + 2.112402 * u) / 255.0, 0.0, 1.0),
    1.0);
}`;

function compile(gl: WebGLRenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new Error('WebGL: no shader');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`WebGL: ${gl.getShaderInfoLog(shader) ?? 'shader did not compile'}`);
  return shader;
}

function webglRenderer(canvas: HTMLCanvasElement): YuvRenderer | null {
  // preserveDrawingBuffer: the picture can be read back (screenshots, tests) between frames.
  const gl = canvas.getContext('webgl', { preserveDrawingBuffer: true, antialias: false, depth: false, alpha: false });
  if (!gl) return null;
  const program = gl.createProgram();
  if (!program) return null;
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) return null;
  // biome-ignore lint/correctness/useHookAtTopLevel: WebGL's useProgram, not a React hook
  gl.useProgram(program);
  const buffer = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const position = gl.getAttribLocation(program, 'position');
  gl.enableVertexAttribArray(position);
  gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  const textures = ['planeY', 'planeU', 'planeV'].map((name, unit) => {
    const texture = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.uniform1i(gl.getUniformLocation(program, name), unit);
    return texture;
  });
  let size = '';
  return {
    kind: 'webgl',
    draw(i420, width, height) {
      const chromaWidth = width >> 1;
      const chromaHeight = height >> 1;
      const lumaBytes = width * height;
      const chromaBytes = chromaWidth * chromaHeight;
      const planes = [
        [i420.subarray(0, lumaBytes), width, height],
        [i420.subarray(lumaBytes, lumaBytes + chromaBytes), chromaWidth, chromaHeight],
        [i420.subarray(lumaBytes + chromaBytes, lumaBytes + 2 * chromaBytes), chromaWidth, chromaHeight],
      ] as const;
      const key = `${width}x${height}`;
      if (key !== size) {
        canvas.width = width;
        canvas.height = height;
        gl.viewport(0, 0, width, height);
      }
      planes.forEach(([plane, w, h], unit) => {
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(gl.TEXTURE_2D, textures[unit]!);
        if (key !== size) gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, w, h, 0, gl.LUMINANCE, gl.UNSIGNED_BYTE, plane);
        else gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, w, h, gl.LUMINANCE, gl.UNSIGNED_BYTE, plane);
      });
      size = key;
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    },
    dispose() {
      // Nothing: the context lives as long as its canvas (a canvas has one context for good, so
      // it is kept for the next feed drawn on the same canvas; see createYuvRenderer).
    },
  };
}

function canvasRenderer(canvas: HTMLCanvasElement): YuvRenderer | null {
  const context = canvas.getContext('2d');
  if (!context) return null;
  let image: ImageData | null = null;
  return {
    kind: '2d',
    draw(i420, width, height) {
      if (!image || image.width !== width || image.height !== height) {
        canvas.width = width;
        canvas.height = height;
        image = context.createImageData(width, height);
      }
      i420ToRgba(i420, width, height, image.data);
      context.putImageData(image, 0, 0);
    },
    dispose() {},
  };
}

const renderers = new WeakMap<HTMLCanvasElement, YuvRenderer>();

/**
 * WebGL when the canvas can have it, else a 2D canvas; null when neither. One per canvas: a
 * canvas keeps the kind of context it got first, so a second feed on it reuses the renderer.
 */
export function createYuvRenderer(canvas: HTMLCanvasElement): YuvRenderer | null {
  const known = renderers.get(canvas);
  if (known) return known;
  let renderer: YuvRenderer | null = null;
  try {
    renderer = webglRenderer(canvas);
  } catch {
    // A shader refused by the driver: the 2D path draws the same picture.
  }
  renderer ??= canvasRenderer(canvas);
  if (renderer) renderers.set(canvas, renderer);
  return renderer;
}
