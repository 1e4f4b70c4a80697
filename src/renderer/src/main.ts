import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createLabClient } from './transport'
import { useLabStore } from './stores/lab'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
useLabStore().attach(createLabClient())
app.mount('#app')
