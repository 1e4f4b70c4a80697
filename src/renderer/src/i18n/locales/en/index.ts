/**
 * Every message of the renderer in en, one module per area so several people can edit
 * them side by side.
 */
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

export default { app, common, console, dialogs, inspector, load, ops, scenarios, timeline, topology, walkthrough }
