// Read by @sveltejs/vite-plugin-svelte and editor tooling. Every component uses runes.
// TypeScript in <script lang="ts"> is type-only, which Svelte strips natively: no preprocessor.
export default {
  compilerOptions: { runes: true },
};
