import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

// jsdom has no canvas; drawing code already treats a missing 2D context as "nothing to draw".
HTMLCanvasElement.prototype.getContext = () => null;

// Nor does it lay anything out, so there is nothing to scroll into view.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
