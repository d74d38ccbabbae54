"""Drawing: layout plus style make a scene, which the SVG and matplotlib backends draw."""
