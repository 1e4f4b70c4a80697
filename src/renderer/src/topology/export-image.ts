/**
 * "Export image": the topology as PNG and SVG, drawn by html-to-image from Vue Flow's
 * panned and zoomed element (`.vue-flow__transformationpane`) with a transform that fits
 * every card instead (the pattern of the docs), so the picture holds the whole lab whatever
 * the current pan and zoom.
 */
import { getRectOfNodes, getTransformForBounds, type GraphNode } from '@vue-flow/core'
import { toPng, toSvg } from 'html-to-image'

export type ImageFormat = 'png' | 'svg'

/** Room around the cards, in pixels of the picture. */
const MARGIN = 32
/** Never drawn bigger than life, never so small that text cannot be read. */
const MIN_ZOOM = 0.5
const MAX_ZOOM = 1

export interface ExportedImage {
  format: ImageFormat
  dataUrl: string
  width: number
  height: number
}

/** Draws `viewportEl` (the graph's `.vue-flow__transformationpane`) fitted to `nodes`. */
export async function renderTopology(viewportEl: HTMLElement, nodes: GraphNode[], format: ImageFormat, background: string): Promise<ExportedImage> {
  if (nodes.length === 0) throw new Error('The topology is empty: add a node first')
  const bounds = getRectOfNodes(nodes)
  // The picture is the cards' own size at zoom 1 (plus margin), clamped to a sane area.
  const width = Math.min(4096, Math.max(320, Math.ceil(bounds.width + 2 * MARGIN)))
  const height = Math.min(4096, Math.max(200, Math.ceil(bounds.height + 2 * MARGIN)))
  const t = getTransformForBounds(bounds, width, height, MIN_ZOOM, MAX_ZOOM, 0.05)
  const options = {
    backgroundColor: background,
    width,
    height,
    pixelRatio: 1,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${t.x}px, ${t.y}px) scale(${t.zoom})` }
  }
  const dataUrl = format === 'png' ? await toPng(viewportEl, options) : await toSvg(viewportEl, options)
  return { format, dataUrl, width, height }
}

/** A file name that sorts by time: replication-lab-topology-2026-12-02T16-07-00.png */
export function imageFileName(format: ImageFormat, at = new Date()): string {
  return `replication-lab-topology-${at.toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`
}

/** Saves a data URL as a file: a download in the browser, Electron's save dialog in the app. */
export function saveDataUrl(dataUrl: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = dataUrl
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
