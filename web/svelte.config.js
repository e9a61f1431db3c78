import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Lets `<script lang="ts">` in components be compiled by Vite; read by the plugin and by svelte-check. */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
