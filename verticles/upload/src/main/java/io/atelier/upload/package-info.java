/** The upload verticle. Not yet built: the module holds its place in the reactor so later work has a home. */
package io.atelier.upload;
