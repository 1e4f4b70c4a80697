/**
 * A relayout boundary around often-changing text (a card's offset and memory, an edge's lag).
 *
 * Chromium lays out the whole document when text changes in a box whose size depends on its
 * content: with 30 cards and 25 edges updating ~25 times a second, that was a 2–4 ms layout
 * of 6 000 objects for a few digits, most of a frame's budget under load. A box with
 * `contain: size layout` and an explicit size is laid out on its own instead. Its size comes
 * from measuring `content` (a child that keeps its natural size) with a ResizeObserver, so
 * the look does not change; only a change of the content's size costs a full layout again.
 *
 * `slack` adds that many pixels of width, kept while the content stays within 2 × slack of
 * it, so text whose width wobbles with its digits ("0 B" ↔ "312 B") does not resize the box
 * each time (the box should then center its content and draw nothing itself).
 */
import { computed, onBeforeUnmount, onMounted, ref, type CSSProperties, type Ref } from 'vue'

export function useLayoutBoundary(content: Ref<HTMLElement | null>, opts: { slack?: number } = {}): Ref<CSSProperties | undefined> {
  const slack = opts.slack ?? 0
  const width = ref<number | null>(null)
  const height = ref<number | null>(null)
  let observer: ResizeObserver | null = null

  function measured(w: number, h: number): void {
    const cw = Math.ceil(w)
    const ch = Math.ceil(h)
    if (width.value === null || cw > width.value || cw < width.value - 2 * slack) width.value = cw + slack
    if (height.value !== ch) height.value = ch
  }

  onMounted(() => {
    const el = content.value
    if (!el || typeof ResizeObserver === 'undefined') return
    observer = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.borderBoxSize?.[0]
      if (box) measured(box.inlineSize, box.blockSize)
    })
    observer.observe(el)
  })
  onBeforeUnmount(() => observer?.disconnect())

  // Until the first measurement the box sizes itself as usual.
  return computed(() =>
    width.value === null || height.value === null ? undefined : { contain: 'size layout', width: `${width.value}px`, height: `${height.value}px` }
  )
}
