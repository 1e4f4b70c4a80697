/**
 * Every message of the renderer in zh-CN, one module per area so several people can edit
 * them side by side.
 * Each area module is checked with `satisfies typeof en`: a key missing here is a type error.
 */
import type en from '../en'
import app from './app'
import common from './common'
import console from './console'
import dialogs from './dialogs'
import inspector from './inspector'
import load from './load'
import ops from './ops'
import scenarios from './scenarios'
import timeline from './timeline'
import topology from './topology'
import walkthrough from './walkthrough'

export default { app, common, console, dialogs, inspector, load, ops, scenarios, timeline, topology, walkthrough } satisfies typeof en
