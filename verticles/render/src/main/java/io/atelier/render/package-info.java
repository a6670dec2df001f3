/** The render verticle: media made from assets (waveform images), run as jobs. */
package io.atelier.render;
