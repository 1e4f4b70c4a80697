import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createLabClient } from './transport'
import { useLabStore } from './stores/lab'
import { applyTheme, startTheme, usePreferencesStore } from './stores/preferences'
import { applyLocale, i18n } from './i18n'
import './styles.css'

// Before the first paint: the page starts in the remembered theme and language.
applyTheme(startTheme())
applyLocale()

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
usePreferencesStore()
useLabStore().attach(createLabClient())
app.mount('#app')
