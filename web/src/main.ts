// Inter ships with Vietnamese glyphs and is bundled by Vite from node_modules: the wall never asks the internet for a font.
import '@fontsource-variable/inter';
import './styles/global.css';
import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');
mount(App, { target });
