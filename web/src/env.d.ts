// The root tsconfig only loads Node's types; the board also needs Vite's (import.meta.env, CSS and
// asset imports) and Svelte's (runes in .svelte.ts, `*.svelte` modules for plain tsc).
/// <reference types="vite/client" />
/// <reference types="svelte" />
