/** The params of the render kinds: read with one set of rules by the edge on submission and by the render worker. */
package io.atelier.contracts.render;
