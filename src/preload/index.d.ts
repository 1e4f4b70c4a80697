import type { LabBridge } from '../shared/bridge'

declare global {
  interface Window {
    /** Present only in Electron (the preload); absent in web mode. */
    lab?: LabBridge
  }
}
