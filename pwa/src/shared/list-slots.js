// Where a dragged item lands in a vertical list: DOM-free, so it is unit-tested in node.

/**
 * The index of the slot a pointer at height `y` is over, given the list items' boxes ({top,
 * bottom}, top to bottom): the item it is on, the first above the list, the last below it.
 */
export function slotAt(y, boxes) {
  if (!boxes.length) return -1;
  const index = boxes.findIndex((box) => y < box.bottom);
  return index === -1 ? boxes.length - 1 : index;
}
